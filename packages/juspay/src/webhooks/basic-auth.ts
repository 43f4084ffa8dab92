import { createHash, timingSafeEqual } from "node:crypto";

// Juspay authenticates webhooks with HTTP Basic only (reference §4.1-4.2: no
// signature header). Several pairs are accepted so the dashboard credentials
// can be rotated without downtime. The check is constant-time: both sides are
// hashed to 32 bytes (so a different length leaks nothing), every configured
// pair is compared, and the results are combined without early exit.

export interface BasicAuthCredentials {
  username: string;
  password: string;
}

export type BasicAuthVerifier = (authorizationHeader: string | undefined) => boolean;

const MAX_HEADER_LENGTH = 4096;
// RFC 7617: scheme case-insensitive, one or more spaces, token68 (standard base64 here).
const BASIC = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/** The "user:password" of a well-formed Basic header, or undefined. */
export function decodeBasicAuthorization(header: string | undefined): { username: string; password: string } | undefined {
  if (typeof header !== "string" || header.length > MAX_HEADER_LENGTH) return undefined;
  const match = BASIC.exec(header);
  if (!match) return undefined;
  const encoded = match[1]!;
  if (encoded.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(encoded, "base64");
  // Node's decoder skips junk silently: accept only canonical base64.
  if (bytes.toString("base64") !== encoded) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":"); // the user id cannot contain ':', the password can
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Builds a verifier for the configured pairs; throws on an unusable configuration. */
export function createBasicAuthVerifier(credentials: readonly BasicAuthCredentials[]): BasicAuthVerifier {
  if (!Array.isArray(credentials) || credentials.length === 0) throw new Error("webhook basic auth: at least one username/password pair is required");
  const expected = credentials.map(({ username, password }, i) => {
    if (typeof username !== "string" || username === "" || username.includes(":")) {
      throw new Error(`webhook basic auth: pair ${i}: username must be non-empty and contain no ':'`);
    }
    if (typeof password !== "string" || password === "") throw new Error(`webhook basic auth: pair ${i}: password must be non-empty`);
    return { user: digest(username), pass: digest(password) };
  });
  return (header) => {
    const given = decodeBasicAuthorization(header);
    // A malformed header is rejected up front: its shape is not a secret.
    if (given === undefined) return false;
    const user = digest(given.username);
    const pass = digest(given.password);
    let matched = 0;
    for (const pair of expected) {
      // Both comparisons always run (`&` not `&&`), and every pair is checked.
      matched |= Number(timingSafeEqual(user, pair.user)) & Number(timingSafeEqual(pass, pair.pass));
    }
    return matched === 1;
  };
}
