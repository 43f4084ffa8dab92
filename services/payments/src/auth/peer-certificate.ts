import type http from "node:http";
import type http2 from "node:http2";
import type { TLSSocket } from "node:tls";
import { createContextKey } from "@connectrpc/connect";
import { identityOf } from "./certificate-identity.js";

// The identities a verified client certificate carries, each with its type
// (certificate-identity.ts): its subject alternative names of type URI and
// DNS, and its subject CN. Only set on TLS connections whose certificate the
// handshake verified against the client CA.

export const PEER_IDENTITIES = createContextKey<readonly string[]>([], { description: "typed identities of the verified client certificate" });

export function peerIdentities(req: http.IncomingMessage | http2.Http2ServerRequest): string[] {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  if (socket?.authorized !== true || typeof socket.getPeerCertificate !== "function") return [];
  const cert = socket.getPeerCertificate();
  const identities: string[] = [];
  for (const name of splitAltNames(cert.subjectaltname ?? "")) {
    const colon = name.indexOf(":");
    const type = name.slice(0, colon);
    if (colon > 0 && (type === "URI" || type === "DNS")) identities.push(identityOf(type, name.slice(colon + 1)));
  }
  // Several CNs make "the" CN ambiguous: such a subject names no caller.
  const cn: unknown = cert.subject?.CN;
  if (typeof cn === "string" && cn !== "") identities.push(identityOf("CN", cn));
  return identities;
}

// Node lists the alternative names as `TYPE:value` joined by ", ", and writes
// a value holding a comma, quote, backslash or control character as a JSON
// string (`DNS:"a, URI:b"`), so that no value can pass for another entry.
// This splits that list the way Node's own tls.checkServerIdentity does.
const JSON_STRING = /^"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

/** The entries of a certificate's `subjectaltname` text, quoted values decoded; none when it is malformed. */
export function splitAltNames(text: string): string[] {
  if (text === "") return [];
  const names: string[] = [];
  let current = "";
  let offset = 0;
  while (offset < text.length) {
    const comma = text.indexOf(",", offset);
    const quote = text.indexOf('"', offset);
    if (quote !== -1 && (comma === -1 || quote < comma)) {
      const match = JSON_STRING.exec(text.slice(quote));
      const value = match === null ? undefined : parseJsonString(match[0]);
      if (match === null || value === undefined) return [];
      current += text.slice(offset, quote) + value;
      offset = quote + match[0].length;
    } else if (comma !== -1) {
      names.push(current + text.slice(offset, comma));
      current = "";
      offset = comma + 2; // ", "
    } else {
      current += text.slice(offset);
      offset = text.length;
    }
  }
  names.push(current);
  return names;
}

/** The string a JSON string literal holds, or undefined (a raw control character in it, say). */
function parseJsonString(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}
