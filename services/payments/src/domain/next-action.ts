import { phaseOf } from "./order-status.js";

// What the app should show after the SDK returned, from the authoritative
// order status only (reference §3.8: the SDK's own status is advisory). When
// in doubt the answer is "pending": telling a customer "failed" for a payment
// that went through invites a second payment; telling them "paid" for one that
// did not loses money.

export type NextAction = "SHOW_SUCCESS" | "SHOW_PENDING_AND_WAIT" | "OFFER_RETRY" | "SHOW_FAILURE";

/** `stale`: the status comes from our row because Juspay could not be asked. */
export function nextActionOf(status: string, stale: boolean): NextAction {
  const phase = phaseOf(status);
  // A stale terminal row cannot change by itself, so it still answers.
  const terminal = phase === "succeeded" || phase === "voided" || phase === "auto_refunded" || phase === "integrity_mismatch";
  if (stale && !terminal) return "SHOW_PENDING_AND_WAIT";
  // Juspay declined the order itself (risk rules): another attempt would be declined too.
  if (status === "JUSPAY_DECLINED") return "SHOW_FAILURE";
  switch (phase) {
    case "succeeded":
      return "SHOW_SUCCESS";
    case "not_started":
    case "not_found":
    case "attempt_failed":
      return "OFFER_RETRY";
    case "voided":
    case "auto_refunded":
      return "SHOW_FAILURE";
    // pending, authorized (money held), integrity_mismatch (a human checks), unknown.
    default:
      return "SHOW_PENDING_AND_WAIT";
  }
}

/** SDK process_result statuses that claim the payment went through. */
export const SDK_SUCCESS_CLAIMS: ReadonlySet<string> = new Set(["charged", "cod_initiated"]);

/** The app's claim disagrees with the truth: it said paid and is not, or the order is paid and it said otherwise. */
export function isReportedStatusMismatch(reportedRaw: string, status: string, stale: boolean): boolean {
  // A stale row proves nothing either way.
  if (stale) return false;
  return SDK_SUCCESS_CLAIMS.has(reportedRaw) !== (phaseOf(status) === "succeeded");
}
