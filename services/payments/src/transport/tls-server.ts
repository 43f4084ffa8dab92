import http2 from "node:http2";
import type { TLSSocket } from "node:tls";
import type { NodeHandlerFn, OnePortServer } from "./one-port-server.js";

// The same one port over TLS (gRPC, gRPC-Web and Connect; HTTP/2 or HTTP/1.1
// chosen by ALPN, so no sniffing). With a client CA the handshake itself
// requires a client certificate signed by it and not expired (mutual TLS,
// ADR 0018): no certificate, another CA or an expired one never reaches a
// handler. Which certified identities may call what is the auth
// interceptor's decision.

export interface TlsSettings {
  certPem: string;
  keyPem: string;
  /** CA for client certificates; unset = server TLS only. */
  clientCaPem?: string;
}

export function createTlsServer(handler: NodeHandlerFn, tls: TlsSettings): OnePortServer {
  let active = 0;
  let onIdle: (() => void) | undefined;
  const server = http2.createSecureServer(
    {
      cert: tls.certPem,
      key: tls.keyPem,
      allowHTTP1: true,
      ...(tls.clientCaPem !== undefined ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (req, res) => {
      active++;
      res.once("close", () => {
        active--;
        if (active === 0) onIdle?.();
      });
      handler(req, res);
    },
  );
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const sockets = new Set<TLSSocket>();
  server.on("secureConnection", (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Failed handshakes (no or bad client certificate) are the peer's problem, not a crash.
  server.on("tlsClientError", () => undefined);

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as { address: string; port: number };
          resolve({ host: address.address, port: address.port });
        });
      });
    },
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      await Promise.race([
        new Promise<void>((resolve) => {
          if (active === 0) resolve();
          else onIdle = resolve;
        }),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    inFlight: () => active,
  };
}
