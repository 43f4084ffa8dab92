import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { connectNodeAdapter } from "@connectrpc/connect-node";

/** The request handler connectNodeAdapter returns (serves http and http2). */
export type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

// Serves gRPC (HTTP/2), gRPC-Web and Connect (HTTP/1.1 or h2c) on one plaintext
// port. Node's plaintext http2 server cannot fall back to HTTP/1.1, so the
// first bytes of each connection decide: the HTTP/2 client preface starts with
// "PRI " and goes to the http2 server; anything else goes to the http/1.1
// server. Both run the same handler.

const HTTP2_PREFACE_START = Buffer.from("PRI ");
const SNIFF_TIMEOUT_MS = 10_000;

export interface OnePortServer {
  /** Resolves with the bound address once listening. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to
   * graceMs (HTTP/2 sessions get GOAWAY; idle HTTP/1.1 sockets close), then
   * destroys whatever is left. Resolves when every connection is gone.
   */
  close(graceMs: number): Promise<void>;
  /** Requests currently being handled. */
  inFlight(): number;
}

export function createOnePortServer(handler: NodeHandlerFn): OnePortServer {
  let active = 0;
  let onIdle: (() => void) | undefined;
  const tracked: NodeHandlerFn = (req, res) => {
    active++;
    res.once("close", () => {
      active--;
      if (active === 0) onIdle?.();
    });
    handler(req, res);
  };

  // HTTP/1.1 sockets and their requests in flight. h1 never listens itself,
  // so its closeIdleConnections() knows none of them: without this, one idle
  // keep-alive client held every shutdown for the whole grace period.
  const h1Busy = new Map<net.Socket, number>();
  let closing = false;
  const endIfIdle = (socket: net.Socket) => {
    if (closing && h1Busy.get(socket) === 0) socket.end();
  };
  const h1 = http.createServer((req, res) => {
    const socket = req.socket;
    h1Busy.set(socket, (h1Busy.get(socket) ?? 0) + 1);
    res.once("close", () => {
      h1Busy.set(socket, (h1Busy.get(socket) ?? 1) - 1);
      endIfIdle(socket);
    });
    tracked(req, res);
  });
  h1.keepAliveTimeout = 65_000;
  const h2 = http2.createServer({}, tracked);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const sockets = new Set<net.Socket>();

  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A peer that connects and sends nothing must not hold a socket forever.
    socket.setTimeout(SNIFF_TIMEOUT_MS, () => socket.destroy());
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
      socket.setTimeout(0);
      socket.unshift(head);
      if (!couldBeHttp2) {
        h1Busy.set(socket, 0);
        socket.once("close", () => h1Busy.delete(socket));
      }
      (couldBeHttp2 ? h2 : h1).emit("connection", socket);
    });
    socket.on("error", () => socket.destroy());
  });

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        front.once("error", reject);
        front.listen(port, host, () => {
          front.off("error", reject);
          const address = front.address() as net.AddressInfo;
          resolve({ host: address.address, port: address.port });
        });
      });
    },
    async close(graceMs) {
      const until = Date.now() + graceMs;
      // Resolves once every accepted connection has ended.
      const allClosed = new Promise<void>((resolve) => front.close(() => resolve()));
      // GOAWAY: an HTTP/2 session closes by itself once its streams finish
      // and their last frames are flushed.
      for (const session of sessions) session.close();
      closing = true;
      for (const socket of h1Busy.keys()) endIfIdle(socket);
      await withDeadline(
        new Promise<void>((resolve) => {
          if (active === 0) resolve();
          else onIdle = resolve;
        }),
        until,
      );
      await withDeadline(allClosed, until);
      // Grace is over: cut whatever is left.
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await allClosed;
    },
    inFlight: () => active,
  };
}

/** Waits for the promise, but not past the given time. */
async function withDeadline(promise: Promise<void>, until: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, until - Date.now()));
  });
  await Promise.race([promise, expired]);
  clearTimeout(timer);
}
