// Which request headers travel to the service. Credentials never leave the
// bridge (Authorization, Cookie, the shared custom header), and hop-by-hop
// headers describe this connection, not the webhook.

const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
  "proxy-authorization", "proxy-authenticate",
]);
const SECRET = new Set(["authorization", "cookie"]);
// The service's limits on HttpHeader (see webhook_service.proto).
const NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/;
const MAX_VALUE = 8192;
export const MAX_FORWARDED_HEADERS = 100;

/**
 * Forwardable headers from Node's rawHeaders (name/value pairs in arrival
 * order, original case). `secretHeader` is the configured shared header.
 */
export function forwardableHeaders(rawHeaders: string[], secretHeader: string | undefined): { name: string; value: string }[] {
  const connectionListed = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === "connection") {
      for (const token of rawHeaders[i + 1]!.split(",")) connectionListed.add(token.trim().toLowerCase());
    }
  }
  const out: { name: string; value: string }[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || SECRET.has(lower) || lower === secretHeader || connectionListed.has(lower)) continue;
    // Node already rejects malformed names; the length cap is the service's.
    if (!NAME.test(name)) continue;
    out.push({ name, value: rawHeaders[i + 1]!.slice(0, MAX_VALUE) });
  }
  return out;
}

/** The client address in the form the service accepts, or undefined. */
export function remoteIp(address: string | undefined): string | undefined {
  return address !== undefined && address.length <= 45 && /^[0-9A-Fa-f.:]+$/.test(address) ? address : undefined;
}
