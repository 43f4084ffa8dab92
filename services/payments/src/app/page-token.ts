import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { fieldError, type AppError } from "./errors.js";

// Keyset page tokens for the List RPCs: where the previous page ended (a
// timestamp in microseconds since the epoch, and the row id that breaks ties)
// plus the scope the token belongs to (the listed order, or a hash of the
// filters), as base64url JSON. Opaque to callers. Microseconds because
// Postgres keeps them and a JS Date would round them away (and repeat or skip
// rows). A token presented under another scope is INVALID_ARGUMENT, so a
// caller cannot silently page one list with another list's position.

// A position no row can have (past 9999-12-31, the end of a protobuf
// Timestamp) is a forged token: refused here, it never reaches a query where
// PostgreSQL would fail on it.
const MAX_POSITION_US = 253_402_300_799_999_999n;

export interface KeysetPosition {
  /** The ordering timestamp of the last row returned, microseconds since the epoch, as decimal text. */
  atUs: string;
  /** The id of the last row returned. */
  id: string;
}

export function encodeKeysetToken(scope: string, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ s: scope, t: position.atUs, i: position.id }), "utf8").toString("base64url");
}

/** The position in `token`, or INVALID_ARGUMENT (field page_token, rule custom) naming `listName`. */
export function decodeKeysetToken(token: string, scope: string, listName: string): KeysetPosition {
  const bad = (): AppError => fieldError(ErrorReason.INVALID_FIELD, "page_token", "custom", `is not a page token of this ${listName}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (typeof parsed !== "object" || parsed === null) throw bad();
  const { s, t, i } = parsed as Record<string, unknown>;
  if (typeof s !== "string" || typeof t !== "string" || typeof i !== "string" || !/^\d{1,18}$/.test(t) || BigInt(t) > MAX_POSITION_US || !/^[A-Za-z0-9_-]{1,64}$/.test(i)) throw bad();
  if (s !== scope) throw bad();
  return { atUs: t, id: i };
}

/** Splits rows fetched with `limit size + 1` into the page and the token of the next one ("" on the last page). */
export function keysetPage<R>(rows: R[], size: number, scope: string, positionOf: (row: R) => KeysetPosition): { page: R[]; nextPageToken: string } {
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { page, nextPageToken: rows.length > size && last !== undefined ? encodeKeysetToken(scope, positionOf(last)) : "" };
}
