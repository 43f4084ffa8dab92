import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ConnectionLimits } from "../config.js";
import { applySessionRules } from "./http2-session-rules.js";

/** The request handler connectNodeAdapter returns (serves http and http2). */
export type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

export type Protocol = "h2" | "http/1.1";

// The HTTP/1.1 and HTTP/2 servers behind the RPC port's front (the plaintext
// sniffer or the TLS listener): the front accepts a connection and decides its
// protocol, these serve it with the same handler and the same limits
// (ADR 0023), count requests in flight and drain them on close.

export interface ProtocolServers {
  /** Serves a connection the front accepted, with the protocol the front decided. */
  serve(socket: net.Socket, protocol: Protocol): void;
  /** Shutdown starts: HTTP/2 sessions get GOAWAY, idle HTTP/1.1 sockets end, busy ones end after their response. */
  beginClose(): void;
  /** Resolves once no request is in flight. */
  drained(): Promise<void>;
  /** Grace is over: cuts every HTTP/2 session left. */
  destroy(): void;
  /** Requests currently being handled. */
  inFlight(): number;
}

export function createProtocolServers(handler: NodeHandlerFn, limits: ConnectionLimits): ProtocolServers {
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

  // HTTP/1.1 sockets and their requests in flight, to end idle ones at once on close.
  const h1Busy = new Map<net.Socket, number>();
  let closing = false;
  const endIfIdle = (socket: net.Socket) => {
    if (closing && h1Busy.get(socket) === 0) socket.end();
  };
  const h1 = http.createServer(
    {
      // Node's own header and request timers (a slow or trickling client gets 408 and is closed).
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often those timers are checked (Node's default is every 30 s).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const socket = req.socket;
      h1Busy.set(socket, (h1Busy.get(socket) ?? 0) + 1);
      res.once("close", () => {
        h1Busy.set(socket, (h1Busy.get(socket) ?? 1) - 1);
        endIfIdle(socket);
      });
      tracked(req, res);
    },
  );
  h1.keepAliveTimeout = limits.idleTimeoutMs;
  // This server never listens (the front hands it sockets), and Node starts
  // checking header and request timers only on 'listening': without this they
  // never ran, and a client trickling a header held its socket for ever.
  h1.emit("listening");

  const h2 = http2.createServer({}, tracked);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    applySessionRules(session, limits);
  });

  return {
    serve(socket, protocol) {
      if (protocol === "h2") return void h2.emit("connection", socket);
      h1Busy.set(socket, 0);
      socket.once("close", () => h1Busy.delete(socket));
      h1.emit("connection", socket);
    },
    beginClose() {
      for (const session of sessions) session.close();
      closing = true;
      for (const socket of h1Busy.keys()) endIfIdle(socket);
      // Stops the timer checks started above.
      h1.close(() => undefined);
    },
    drained: () =>
      new Promise<void>((resolve) => {
        if (active === 0) resolve();
        else onIdle = resolve;
      }),
    destroy() {
      for (const session of sessions) session.destroy();
    },
    inFlight: () => active,
  };
}
