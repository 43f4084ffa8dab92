import type http from "node:http";
import type http2 from "node:http2";
import type { TLSSocket } from "node:tls";
import { createContextKey } from "@connectrpc/connect";

// The identities a verified client certificate carries: its subject
// alternative names (URI, DNS) and its subject CN. Only set on TLS
// connections whose certificate the handshake verified against the client CA.

export const PEER_IDENTITIES = createContextKey<readonly string[]>([], { description: "identities of the verified client certificate" });

export function peerIdentities(req: http.IncomingMessage | http2.Http2ServerRequest): string[] {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  if (socket?.authorized !== true || typeof socket.getPeerCertificate !== "function") return [];
  const cert = socket.getPeerCertificate();
  const identities: string[] = [];
  for (const entry of (cert.subjectaltname ?? "").split(",")) {
    const match = /^\s*(URI|DNS):(.+)$/.exec(entry);
    if (match?.[2]) identities.push(match[2].trim());
  }
  const cn = cert.subject?.CN;
  if (typeof cn === "string" && cn !== "") identities.push(`CN=${cn}`);
  return identities;
}
