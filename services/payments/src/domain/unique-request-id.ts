import { createHash } from "node:crypto";

// Juspay's refund idempotency handle must be alphanumeric and shorter than 21
// characters (a UUID is rejected). Ours is derived from the caller's scoped
// key: 20 base62 characters of its SHA-256 (about 119 bits), so the same
// request always maps to the same id, even across a crash before the row was
// written, and different requests practically never collide (the unique
// index catches it if they ever do).

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const UNIQUE_REQUEST_ID_LENGTH = 20;
export const UNIQUE_REQUEST_ID_PATTERN = /^[A-Za-z0-9]{1,20}$/;

export function deriveUniqueRequestId(callerKey: string): string {
  let n = BigInt(`0x${createHash("sha256").update(callerKey, "utf8").digest("hex")}`);
  let id = "";
  for (let i = 0; i < UNIQUE_REQUEST_ID_LENGTH; i++) {
    id += ALPHABET[Number(n % 62n)];
    n /= 62n;
  }
  return id;
}

/** Our public refund id: a readable prefix on the same handle. */
export function refundIdFor(uniqueRequestId: string): string {
  return `rfd_${uniqueRequestId}`;
}
