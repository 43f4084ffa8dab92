import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { fieldError, type AppError } from "../errors.js";

// ListRefunds' page token: where the previous page ended, (created_at in
// microseconds since the epoch, refund_id), plus the order it belongs to,
// as base64url JSON. Opaque to callers; microseconds because Postgres keeps
// them and a JS Date would round them away (and repeat or skip rows).

export interface PagePosition {
  orderId: string;
  /** created_at of the last refund returned, microseconds since the epoch, as decimal text. */
  createdAtUs: string;
  refundId: string;
}

export function encodePageToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ o: position.orderId, t: position.createdAtUs, r: position.refundId }), "utf8").toString("base64url");
}

/** The position in `token`, or INVALID_ARGUMENT (field page_token) when it is not a token of this order's list. */
export function decodePageToken(token: string, orderId: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badToken();
  }
  if (typeof parsed !== "object" || parsed === null) throw badToken();
  const { o, t, r } = parsed as Record<string, unknown>;
  if (typeof o !== "string" || typeof t !== "string" || typeof r !== "string" || !/^\d{1,20}$/.test(t) || !/^[A-Za-z0-9_-]{1,64}$/.test(r)) throw badToken();
  if (o !== orderId) throw badToken();
  return { orderId: o, createdAtUs: t, refundId: r };
}

function badToken(): AppError {
  return fieldError(ErrorReason.INVALID_FIELD, "page_token", "custom", "is not a page token of this order's refund list");
}
