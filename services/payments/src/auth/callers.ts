import { createHash } from "node:crypto";
import { TYPED_IDENTITY } from "./certificate-identity.js";
import { CUSTOMER_SCOPABLE, SCOPES, type Scope } from "./scopes.js";

// The callers this service knows (CALLERS_FILE or CALLERS): an id, the scopes
// it holds, the SHA-256 of each bearer token it may present (several at once,
// so a token can be rotated without downtime; the service never holds a token
// itself) or the client certificate identities it presents over mutual TLS,
// whether it acts for one end customer at a time, and its quota.

export interface Caller {
  /** Logged, and the idempotency scope: two callers never share a key. */
  id: string;
  scopes: ReadonlySet<Scope>;
  /** Lower-case hex SHA-256 of each accepted token. */
  tokenSha256: readonly string[];
  /** Typed client certificate identities (`URI:…`, `DNS:…` or `CN=…`, certificate-identity.ts) that authenticate as this caller over mutual TLS. */
  clientCertIdentities?: readonly string[];
  /** Acts for the end customer named in `x-customer-id` on every call, and sees only that customer's objects. */
  customerScoped: boolean;
  /** Calls per second allowed on average, and the burst above it. */
  rateLimit: { perSecond: number; burst: number };
}

export const DEFAULT_RATE_LIMIT = { perSecond: 200, burst: 400 };

export function sha256Hex(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * Parses the callers document: {"callers": [{"id", "scopes": [...],
 * "token_sha256": [...], "client_cert_identities"?: ["URI:…" | "DNS:…" | "CN=…"],
 * "customer_scoped"?: bool, "rate_limit"?: {"per_second", "burst"}}]}.
 * Returns the callers, or the problems found (never echoing a value).
 */
export function parseCallers(json: string): { callers: Caller[] } | { problems: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return { problems: ["is not valid JSON"] };
  }
  const list = (doc as { callers?: unknown } | null)?.callers;
  if (!Array.isArray(list) || list.length === 0) return { problems: ['must be {"callers": [ ... ]} with at least one caller'] };
  const problems: string[] = [];
  const callers: Caller[] = [];
  const ids = new Set<string>();
  const hashes = new Set<string>();
  const identitiesSeen = new Set<string>();
  list.forEach((raw: unknown, i) => {
    const at = `callers[${i}]`;
    const entry = (raw ?? {}) as Record<string, unknown>;
    const id = entry["id"];
    if (typeof id !== "string" || !ID.test(id)) return problems.push(`${at}.id must be 1-63 characters from a-z 0-9 . _ - starting with a letter or digit`);
    if (ids.has(id)) problems.push(`${at}.id ${id} is listed twice`);
    ids.add(id);
    const scopes = entry["scopes"];
    if (!Array.isArray(scopes) || scopes.some((s) => !SCOPES.includes(s as Scope))) {
      problems.push(`${at}.scopes must list scopes from: ${SCOPES.join(", ")}`);
    }
    const identities = entry["client_cert_identities"] ?? [];
    if (!Array.isArray(identities)) {
      problems.push(`${at}.client_cert_identities must be a list of typed certificate identities ("URI:<uri>", "DNS:<name>" or "CN=<name>")`);
    } else {
      identities.forEach((identity: unknown, j) => {
        // An untyped entry (accepted before issue 15) could match a field of another type: refused, not guessed.
        if (typeof identity !== "string" || !TYPED_IDENTITY.test(identity)) {
          problems.push(`${at}.client_cert_identities[${j}] must name its certificate field: "URI:<uri>" (SAN URI), "DNS:<name>" (SAN DNS name) or "CN=<name>" (subject CN), 1-512 printable characters without spaces after the type`);
        } else if (identitiesSeen.has(identity)) {
          problems.push(`${at}.client_cert_identities[${j}] is listed twice (an identity names one caller)`);
        }
        if (typeof identity === "string") identitiesSeen.add(identity);
      });
    }
    const tokens = entry["token_sha256"] ?? [];
    const hasIdentities = Array.isArray(identities) && identities.length > 0;
    if (!Array.isArray(tokens) || (tokens.length === 0 && !hasIdentities) || tokens.some((t) => typeof t !== "string" || !HASH.test(t))) {
      problems.push(`${at}.token_sha256 must list one or more lower-case hex SHA-256 digests of tokens (or give client_cert_identities)`);
    } else {
      for (const t of tokens as string[]) {
        if (hashes.has(t)) problems.push(`${at}.token_sha256 repeats a token of another caller`);
        hashes.add(t);
      }
    }
    const customerScoped = entry["customer_scoped"] ?? false;
    if (typeof customerScoped !== "boolean") problems.push(`${at}.customer_scoped must be true or false`);
    const held = new Set((Array.isArray(scopes) ? scopes : []) as Scope[]);
    if (customerScoped === true && [...held].some((s) => !CUSTOMER_SCOPABLE.has(s))) {
      problems.push(`${at}: a customer-scoped caller may only hold ${[...CUSTOMER_SCOPABLE].join(", ")}`);
    }
    const rateLimit = parseRateLimit(entry["rate_limit"], `${at}.rate_limit`, problems);
    callers.push({
      id,
      scopes: held,
      tokenSha256: (Array.isArray(tokens) ? tokens : []) as string[],
      clientCertIdentities: (Array.isArray(identities) ? identities : []) as string[],
      customerScoped: customerScoped === true,
      rateLimit,
    });
  });
  return problems.length > 0 ? { problems } : { callers };
}

function parseRateLimit(raw: unknown, at: string, problems: string[]): Caller["rateLimit"] {
  if (raw === undefined) return DEFAULT_RATE_LIMIT;
  const { per_second: perSecond, burst } = (raw ?? {}) as Record<string, unknown>;
  const valid = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0 && n <= 1_000_000;
  if (!valid(perSecond) || !valid(burst)) {
    problems.push(`${at} must be {"per_second": n, "burst": n} with positive numbers`);
    return DEFAULT_RATE_LIMIT;
  }
  return { perSecond, burst };
}
