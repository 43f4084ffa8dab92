import { phaseOf } from "./order-status.js";

// Which normalized payment event a state change is. Pure: the outbox writer
// asks these when a row changes.

export type OrderEventType = "ORDER_CHARGED" | "ORDER_FAILED" | "ORDER_AUTO_REFUNDED" | "ORDER_INTEGRITY_MISMATCH" | "ORDER_STATUS_CHANGED";
export type RefundEventType = "REFUND_CREATED" | "REFUND_SUCCEEDED" | "REFUND_FAILED" | "REFUND_MANUAL_REVIEW";

/** The event for an order whose status became `status` (null when it did not change). */
export function orderEventType(previous: string, status: string): OrderEventType | null {
  if (previous === status) return null;
  if (status === "CHARGED") return "ORDER_CHARGED";
  if (status === "INTEGRITY_MISMATCH") return "ORDER_INTEGRITY_MISMATCH";
  if (status === "AUTO_REFUNDED") return "ORDER_AUTO_REFUNDED";
  if (phaseOf(status) === "attempt_failed") return "ORDER_FAILED";
  return "ORDER_STATUS_CHANGED";
}

/** The event for a refund whose status became `status` (null when nothing worth announcing). */
export function refundEventType(previous: string, status: string): RefundEventType | null {
  if (previous === status) return null;
  if (status === "SUCCESS") return "REFUND_SUCCEEDED";
  if (status === "FAILURE") return "REFUND_FAILED";
  if (status === "MANUAL_REVIEW") return "REFUND_MANUAL_REVIEW";
  return null;
}
