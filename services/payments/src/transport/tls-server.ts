import tls from "node:tls";
import { CONNECTION_LIMIT_DEFAULTS, type ConnectionLimits } from "../config.js";
import { createProtocolServers, type NodeHandlerFn } from "./protocol-servers.js";
import { rpcPort, type OnePortServer } from "./rpc-port.js";

// The same one port over TLS (gRPC, gRPC-Web and Connect; HTTP/2 or HTTP/1.1
// chosen by ALPN, so no sniffing), served by the same HTTP/1.1 and HTTP/2
// servers with the same limits as the plaintext port (ADR 0023); the
// handshake itself must finish within the headers timeout. With a client CA
// the handshake requires a client certificate signed by it and not expired
// (mutual TLS, ADR 0018): no certificate, another CA or an expired one never
// reaches a handler. Which certified identities may call what is the auth
// interceptor's decision.

export interface TlsSettings {
  certPem: string;
  keyPem: string;
  /** CA for client certificates; unset = server TLS only. */
  clientCaPem?: string;
}

export function createTlsServer(handler: NodeHandlerFn, settings: TlsSettings, limits: ConnectionLimits = CONNECTION_LIMIT_DEFAULTS): OnePortServer {
  const servers = createProtocolServers(handler, limits);
  const front = tls.createServer({
    cert: settings.certPem,
    key: settings.keyPem,
    ALPNProtocols: ["h2", "http/1.1"],
    handshakeTimeout: limits.headersTimeoutMs,
    ...(settings.clientCaPem !== undefined ? { ca: settings.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}),
  });
  // A client that negotiated no protocol speaks HTTP/1.1 (what allowHTTP1 did).
  front.on("secureConnection", (socket: tls.TLSSocket) => servers.serve(socket, socket.alpnProtocol === "h2" ? "h2" : "http/1.1"));
  // Failed handshakes (no or bad client certificate) are the peer's problem, not a crash. Node
  // destroys the socket of a failed one but not of one that timed out: that is done here.
  front.on("tlsClientError", (_err, socket) => socket.destroy());
  return rpcPort(front, servers, limits);
}
