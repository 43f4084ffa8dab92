import { isoTime } from "../context.js";
import type { Order, Refund } from "../state/model.js";
import { toMajorUnits } from "./money.js";

// Refunds as Juspay writes them: entries of an order's refunds[] (fixtures
// orders/refund-order, order-status, webhooks) and the single object the
// POST /refunds API answers with (fixtures orders/refunds/*.json).

/** What counts as refunded: every refund not FAILED (PENDING and MANUAL_REVIEW included, as Juspay counts them). */
export function amountRefundedMinor(order: Order): number {
  return order.refunds.filter((r) => r.status !== "FAILURE").reduce((sum, r) => sum + r.amountMinor, 0);
}

function refundSource(order: Order): string {
  return order.txns.find((t) => t.status === "CHARGED" || t.status === "AUTO_REFUNDED")?.gateway ?? "DUMMY";
}

/** One entry of refunds[]. */
export function renderRefund(refund: Refund, order: Order): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: refund.id,
    unique_request_id: refund.uniqueRequestId,
    amount: toMajorUnits(refund.amountMinor, order.currency),
    status: refund.status,
    sent_to_gateway: refund.sentToGateway,
    ref: refund.ref,
    error_code: refund.errorCode,
    error_message: refund.errorMessage,
    created: isoTime(refund.createdAt),
    initiated_by: refund.initiatedBy,
    refund_type: refund.refundType,
    refund_source: refundSource(order),
  };
  if (refund.arn !== null) out["arn"] = refund.arn;
  if (refund.status === "SUCCESS") out["pg_processed_at"] = isoTime(refund.settleAt);
  return out;
}

/** refunds[] of an order. */
export function renderRefunds(order: Order): Record<string, unknown>[] {
  return order.refunds.map((r) => renderRefund(r, order));
}

/** The POST /refunds answer: one refund with its txn and order ids. */
export function renderRefundApi(order: Order, refund: Refund): Record<string, unknown> {
  const txn = order.txns.find((t) => t.status === "CHARGED") ?? order.txns.at(-1);
  return {
    unique_request_id: refund.uniqueRequestId,
    txn_id: txn?.txnId ?? null,
    order_id: order.orderId,
    status: refund.status,
    sent_to_gateway: refund.sentToGateway,
    amount: toMajorUnits(refund.amountMinor, order.currency),
    refund_type: refund.refundType,
    refund_source: refundSource(order),
    gateway: txn?.gateway ?? "DUMMY",
    initiated_by: refund.initiatedBy,
    error_message: refund.errorMessage === "" ? null : refund.errorMessage,
    response_code: refund.errorCode,
    epg_txn_id: refund.ref,
    reference_id: refund.ref,
    refund_arn: refund.arn,
    authorization_id: null,
    created: isoTime(refund.createdAt),
  };
}
