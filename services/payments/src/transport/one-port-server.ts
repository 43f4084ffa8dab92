import net from "node:net";
import { CONNECTION_LIMIT_DEFAULTS, type ConnectionLimits } from "../config.js";
import { createProtocolServers, type NodeHandlerFn } from "./protocol-servers.js";
import { rpcPort, type OnePortServer } from "./rpc-port.js";

export type { NodeHandlerFn } from "./protocol-servers.js";
export type { OnePortServer } from "./rpc-port.js";

// Serves gRPC (HTTP/2), gRPC-Web and Connect (HTTP/1.1 or h2c) on one plaintext
// port. Node's plaintext http2 server cannot fall back to HTTP/1.1, so the
// first bytes of each connection decide: the HTTP/2 client preface starts with
// "PRI " and goes to the http2 server; anything else goes to the http/1.1
// server. Both run the same handler, with the same limits (ADR 0023).

const HTTP2_PREFACE_START = Buffer.from("PRI ");

export function createOnePortServer(handler: NodeHandlerFn, limits: ConnectionLimits = CONNECTION_LIMIT_DEFAULTS): OnePortServer {
  const servers = createProtocolServers(handler, limits);
  const front = net.createServer((socket) => {
    // The first bytes must come within the headers timeout, trickled or not.
    const sniffDeadline = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    socket.once("close", () => clearTimeout(sniffDeadline));
    let head = Buffer.alloc(0);
    socket.on("readable", function route() {
      // Collect bytes until they decide the protocol: a full "PRI " or
      // anything that cannot be its start.
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, HTTP2_PREFACE_START.length);
      const couldBeHttp2 = head.subarray(0, n).equals(HTTP2_PREFACE_START.subarray(0, n));
      if (head.length === 0 || (couldBeHttp2 && head.length < HTTP2_PREFACE_START.length)) return;
      socket.off("readable", route);
      clearTimeout(sniffDeadline);
      socket.unshift(head);
      servers.serve(socket, couldBeHttp2 ? "h2" : "http/1.1");
    });
  });
  return rpcPort(front, servers, limits);
}
