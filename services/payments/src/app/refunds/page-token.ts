import { decodeKeysetToken, encodeKeysetToken } from "../page-token.js";

// ListRefunds' page token: the keyset position (created_at, refund_id) of the
// last refund returned, scoped to its order (see ../page-token.ts).

export interface PagePosition {
  orderId: string;
  /** created_at of the last refund returned, microseconds since the epoch, as decimal text. */
  createdAtUs: string;
  refundId: string;
}

export function encodePageToken(position: PagePosition): string {
  return encodeKeysetToken(position.orderId, { atUs: position.createdAtUs, id: position.refundId });
}

/** The position in `token`, or INVALID_ARGUMENT (field page_token) when it is not a token of this order's list. */
export function decodePageToken(token: string, orderId: string): PagePosition {
  const position = decodeKeysetToken(token, orderId, "order's refund list");
  return { orderId, createdAtUs: position.atUs, refundId: position.id };
}
