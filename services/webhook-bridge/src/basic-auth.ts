import { createHash, timingSafeEqual } from "node:crypto";
import type { Credential, RequiredHeader } from "./config.js";

// Basic-auth and shared-header checks that take the same time whatever the
// input: values are hashed to fixed-length digests before timingSafeEqual, so
// a guess of a different length takes the same path as one of the right
// length, and every configured pair is compared (no early exit on a match).

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time string equality, also for strings of different lengths. */
export function constantTimeEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** User and password from an `Authorization: Basic …` header; undefined when absent or not Basic. */
export function parseBasicAuth(header: string | undefined): Credential | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export interface Authenticator {
  /** True when the Authorization header carries one of the configured pairs. */
  checkAuthorization(header: string | undefined): boolean;
  /** True when no header is required, or the required one carries the configured value. */
  checkRequiredHeader(value: string | string[] | undefined): boolean;
}

export function createAuthenticator(credentials: Credential[], requiredHeader: RequiredHeader | undefined): Authenticator {
  // Digests of the configured secrets are computed once.
  const pairs = credentials.map((c) => ({ user: sha256(c.username), password: sha256(c.password) }));
  const headerDigest = requiredHeader ? sha256(requiredHeader.value) : undefined;
  return {
    checkAuthorization(header) {
      // A missing or unparsable header is compared as an empty pair: same work, no early return.
      const presented = parseBasicAuth(header);
      const user = sha256(presented?.username ?? "");
      const password = sha256(presented?.password ?? "");
      let ok = 0;
      for (const pair of pairs) {
        // Bitwise, so both comparisons and every pair always run.
        ok |= Number(timingSafeEqual(user, pair.user)) & Number(timingSafeEqual(password, pair.password));
      }
      return presented !== undefined && ok === 1;
    },
    checkRequiredHeader(value) {
      if (headerDigest === undefined) return true;
      // A repeated header is refused rather than guessed at.
      const presented = typeof value === "string" ? value.trim() : "";
      return timingSafeEqual(sha256(presented), headerDigest) && typeof value === "string";
    },
  };
}
