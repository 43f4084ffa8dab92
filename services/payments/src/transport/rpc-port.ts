import type net from "node:net";
import type { ConnectionLimits } from "../config.js";
import type { ProtocolServers } from "./protocol-servers.js";

// What both fronts of the RPC port share (the plaintext sniffer and the TLS
// listener): the connection cap, TCP keep-alive, listening and the graceful close.

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

/** The port served by `front`, whose accepted connections end up in `servers`. */
export function rpcPort(front: net.Server, servers: ProtocolServers, limits: ConnectionLimits): OnePortServer {
  // Beyond the cap Node closes a new connection as it arrives, before any byte is read.
  front.maxConnections = limits.maxConnections;
  const sockets = new Set<net.Socket>();
  front.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // Finds peers that vanished under a long HTTP/1.1 stream (HTTP/2 sessions are also pinged).
    socket.setKeepAlive(true, limits.keepAliveIntervalMs);
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
      servers.beginClose();
      await withDeadline(servers.drained(), until);
      await withDeadline(allClosed, until);
      // Grace is over: cut whatever is left.
      servers.destroy();
      for (const socket of sockets) socket.destroy();
      await allClosed;
    },
    inFlight: () => servers.inFlight(),
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
