import type { OrderStatus, Outcome, PaymentMethodType, RefundStatus } from "../state/model.js";

// Sandbox rules: what a payment attempt or a refund ends in when nobody
// forces an outcome, and how long things take in SIMULATED time.
//
// Payments (reference §6, Juspay's DUMMY gateway), when payOrder gets no outcome:
//   - UPI VPA success@upi → success; failure@upi → failure (these win over the amount)
//   - amount <  ₹500        → success
//   - ₹500 ≤ amount < ₹700  → failure
//   - amount ≥ ₹700         → pending_then_success
// Outcomes → statuses (every attempt first exists as PENDING_VBV, TXN_CREATED):
//   - success               → CHARGED at once (CASH: COD_INITIATED, no success webhook)
//   - failure               → AUTHORIZATION_FAILED at once, error "03" "Not sufficient funds"
//                             (what Juspay's DUMMY gateway answers for cards and UPI alike)
//   - pending_then_success  → PENDING_VBV, CHARGED after PENDING_TXN_SETTLE_MS
//   - pending_then_failure  → PENDING_VBV, AUTHORIZATION_FAILED after PENDING_TXN_SETTLE_MS
//   - user_aborted          → AUTHENTICATION_FAILED at once (the user left the bank/OTP
//                             page: an attempt exists, so the order is no longer NEW)
//   - late_success_auto_refund → PENDING_VBV, AUTHORIZATION_FAILED after PENDING_TXN_SETTLE_MS,
//                             then LATE_SUCCESS_AFTER_MS later the bank reports success and
//                             Juspay refunds it: txn and order AUTO_REFUNDED, a SUCCESS refund
//                             initiated_by AUTO_REFUNDED, webhook AUTO_REFUND_SUCCEEDED
// A failed attempt never ends the order: payOrder again makes attempt n+1 (≤ 25).
// An attempt that succeeds while another one already CHARGED the order is
// auto-refunded (txn AUTO_REFUNDED, the order stays CHARGED).
//
// Refunds: PENDING (sent_to_gateway false, id null) → sent to the gateway after
// REFUND_TO_GATEWAY_MS (id = unique_request_id, sent_to_gateway true) → final
// REFUND_SETTLE_MS after creation. The final status, unless setRefundOutcome()
// (engine/refunds.ts) chose one, is decided by the refund amount in paise:
//   - last two digits 13 (e.g. ₹1.13) → FAILURE
//   - last two digits 17 (e.g. ₹1.17) → MANUAL_REVIEW
//   - anything else                  → SUCCESS

/** A pending attempt settles this long after it was made. */
export const PENDING_TXN_SETTLE_MS = 2 * 60_000;
/** A late_success_auto_refund attempt turns into a late success this long after it failed. */
export const LATE_SUCCESS_AFTER_MS = 30 * 60_000;
/** A new refund waits this long at Juspay before going to the gateway. */
export const REFUND_TO_GATEWAY_MS = 60_000;
/** A refund reaches its final status this long after it was made. */
export const REFUND_SETTLE_MS = 5 * 60_000;
/** The same refund amount again within this window (different id) is a duplicate call. */
export const DUPLICATE_REFUND_WINDOW_MS = 5_000;
/** Client auth tokens (orders, customers, sessions) expire after 15 minutes. */
export const CLIENT_AUTH_TOKEN_TTL_MS = 15 * 60_000;
/** Juspay allows at most 25 transactions per order. */
export const MAX_TXNS_PER_ORDER = 25;

export const SUCCESS_VPA = "success@upi";
export const FAILURE_VPA = "failure@upi";

/** The outcome of an attempt nobody forced, by the DUMMY gateway's rules. */
export function sandboxOutcome(amountMinor: number, type: PaymentMethodType, vpa?: string): Outcome {
  if (type === "UPI" && vpa !== undefined) {
    const normalized = vpa.trim().toLowerCase();
    if (normalized === SUCCESS_VPA) return "success";
    if (normalized === FAILURE_VPA) return "failure";
  }
  if (amountMinor < 500_00) return "success";
  if (amountMinor < 700_00) return "failure";
  return "pending_then_success";
}

export interface AttemptPlan {
  /** Status right after the attempt is made (after TXN_CREATED). */
  immediate: OrderStatus;
  /** Status it later settles to, if it stays pending. */
  settleTo?: OrderStatus;
  lateSuccess?: boolean;
}

export function attemptPlan(outcome: Outcome, type: PaymentMethodType): AttemptPlan {
  switch (outcome) {
    case "success":
      return { immediate: type === "CASH" ? "COD_INITIATED" : "CHARGED" };
    case "failure":
      return { immediate: "AUTHORIZATION_FAILED" };
    case "user_aborted":
      return { immediate: "AUTHENTICATION_FAILED" };
    case "pending_then_success":
      return { immediate: "PENDING_VBV", settleTo: type === "CASH" ? "COD_INITIATED" : "CHARGED" };
    case "pending_then_failure":
      return { immediate: "PENDING_VBV", settleTo: "AUTHORIZATION_FAILED" };
    case "late_success_auto_refund":
      return { immediate: "PENDING_VBV", settleTo: "AUTHORIZATION_FAILED", lateSuccess: true };
  }
}

/** The error a failed status carries: [code, message] as Juspay's DUMMY gateway writes them. */
export function failureReason(status: OrderStatus): [string, string] | undefined {
  if (status === "AUTHORIZATION_FAILED") return ["03", "Not sufficient funds"];
  if (status === "AUTHENTICATION_FAILED") return ["JP_002", "User aborted the payment on the bank page"];
  return undefined;
}

/** The final status of a refund nobody forced, by its amount's last two paise digits. */
export function sandboxRefundOutcome(amountMinor: number): RefundStatus {
  const paise = amountMinor % 100;
  if (paise === 13) return "FAILURE";
  if (paise === 17) return "MANUAL_REVIEW";
  return "SUCCESS";
}
