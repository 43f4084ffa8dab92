// Refund state machine. SUCCESS and FAILURE are final. MANUAL_REVIEW is final
// for automation (no sync, an alert) but a human's resolution at Juspay
// (SUCCESS or FAILURE) is still taken. Nothing returns to PENDING.

export type StoredRefundStatus = "PENDING" | "SUCCESS" | "FAILURE" | "MANUAL_REVIEW" | "UNKNOWN";

export function isFinalRefundStatus(status: string): boolean {
  return status === "SUCCESS" || status === "FAILURE";
}

/** No more automatic syncing: final, or waiting for a human. */
export function needsNoSync(status: string): boolean {
  return isFinalRefundStatus(status) || status === "MANUAL_REVIEW";
}

export function mayTransitionRefund(current: string, next: string): boolean {
  if (current === next || isFinalRefundStatus(current)) return false;
  if (next === "PENDING") return false;
  // An unrecognised status is kept raw but never overwrites a known outcome.
  if (next === "UNKNOWN") return current === "PENDING";
  return true;
}

/** Refunds that count against the refundable amount: every one not known to have failed. */
export function countsAgainstRefundable(status: string): boolean {
  return status !== "FAILURE";
}
