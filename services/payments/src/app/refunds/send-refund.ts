import { JuspayDuplicateError, isJuspayError, type JuspayError } from "@payments/juspay";
import { findRefund, lockOrder, type RefundRow } from "../../db/orders-repository.js";
import { toJuspayMinor } from "../../domain/money.js";
import type { AppContext } from "../context.js";
import { isDefiniteRefusal } from "../juspay-refusal.js";
import { appendRefundEvent } from "../events/payment-events.js";
import { applyOrderStatus } from "../orders/apply-order-status.js";
import { refreshOrder } from "../orders/refresh-order.js";
import type { CallBudget } from "../ports.js";

// Sends a refund row to Juspay, always with the row's own unique_request_id
// (never a new one), and records what the answer proves:
// - an answer: Juspay's refunds[] entry for our id is applied (acknowledged);
// - duplicate.call: Juspay already has a refund with our id (an earlier
//   attempt whose answer was lost), or one of the same amount seconds ago: we
//   read order status and apply what it shows; never FAILURE (criterion 7);
// - an unknown outcome (timeout, reset, 5xx, unreadable 200, the caller's
//   deadline) or Juspay unreachable: nothing is decided, the row stays PENDING
//   and the sync job finds out (criteria 11-13, 17);
// - a definite rejection (400 such as invalid.amount.exceeded, or 404):
//   Juspay refused to create the refund. We record it as FAILURE with
//   Juspay's code and message rather than answering an error: a refused
//   refund is a declined refund, a status in the response like a refund
//   Juspay fails later (rpc/error-map.ts keeps declines out of the error
//   table), the amount becomes refundable again, and every replay of the key
//   answers the same FAILURE row. Only a row Juspay never acknowledged can
//   be failed this way.

/** Juspay calls shorter than this are not started: they could not finish before the caller's deadline. */
const MIN_SEND_BUDGET_MS = 150;

export type SendResult = "answered" | "reconciled" | "unknown" | "rejected" | "not_sent";

export interface Sent {
  refund: RefundRow;
  result: SendResult;
}

export async function sendRefund(ctx: AppContext, refund: RefundRow, customerId: string, budget: CallBudget): Promise<Sent> {
  if (budget.deadline !== undefined && budget.deadline - Date.now() < MIN_SEND_BUDGET_MS) {
    return { refund: await current(ctx, refund), result: "not_sent" };
  }
  try {
    const answer = await ctx.juspay.orders.refund(
      refund.order_id,
      { uniqueRequestId: refund.unique_request_id, amountMinor: toJuspayMinor(refund.amount_minor), currency: refund.currency },
      { signal: budget.signal, deadline: budget.deadline, routingId: customerId },
    );
    const applied = await applyOrderStatus(ctx, answer);
    return { refund: applied.refunds.find((r) => r.refund_id === refund.refund_id) ?? (await current(ctx, refund)), result: "answered" };
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    if (err instanceof JuspayDuplicateError) {
      ctx.logger.info({ refundId: refund.refund_id, orderId: refund.order_id }, "Juspay answered duplicate.call: reconciling from order status");
      return { refund: await reconcile(ctx, refund, budget), result: "reconciled" };
    }
    if (isDefiniteRefusal(err)) return rejectUnlessHeld(ctx, refund, err, budget);
    if (err.kind === "authentication" || err.kind === "authorization") ctx.alerts.inc("juspay_auth_failed");
    ctx.logger.warn({ refundId: refund.refund_id, orderId: refund.order_id, err: err.toJSON() }, "refund outcome unknown: left PENDING for the refund sync job");
    return { refund: await current(ctx, refund), result: "unknown" };
  }
}

/** Order status shows whether Juspay holds our id; applies it. Unchanged (PENDING) when Juspay cannot answer. */
export async function reconcile(ctx: AppContext, refund: RefundRow, budget: CallBudget): Promise<RefundRow> {
  const refreshed = await refreshOrder(ctx, refund.order_id, budget);
  return refreshed.refunds.find((r) => r.refund_id === refund.refund_id) ?? (await current(ctx, refund));
}

/**
 * Before failing a refund on a rejection, look once more: an earlier attempt
 * (lost answer, another process before a crash) may have created it, and
 * Juspay may check the amount before the id. Failed only when a fresh order
 * status does not show our id; if Juspay cannot say, it stays PENDING.
 */
async function rejectUnlessHeld(ctx: AppContext, refund: RefundRow, err: JuspayError, budget: CallBudget): Promise<Sent> {
  const refreshed = await refreshOrder(ctx, refund.order_id, budget);
  const row = refreshed.refunds.find((r) => r.refund_id === refund.refund_id) ?? (await current(ctx, refund));
  if (row.acknowledged) return { refund: row, result: "reconciled" };
  if (refreshed.stale !== null) return { refund: row, result: "unknown" };
  return { refund: await markRejected(ctx, refund, err), result: "rejected" };
}

async function markRejected(ctx: AppContext, refund: RefundRow, err: JuspayError): Promise<RefundRow> {
  const now = new Date();
  const failed = await ctx.db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, refund.order_id);
    const row = await trx
      .updateTable("refunds")
      .set({
        status: "FAILURE",
        status_raw: err.juspayStatus ?? "",
        error_code: err.errorCode ?? err.kind,
        error_message: (err.errorMessage ?? "Juspay rejected the refund").slice(0, 512),
        settled_at: now,
        updated_at: now,
      })
      // Never fail a refund Juspay has shown it holds, nor one already settled.
      .where("refund_id", "=", refund.refund_id)
      .where("status", "=", "PENDING")
      .where("acknowledged", "=", false)
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined && order !== undefined) {
      await trx.updateTable("orders").set({ version: order.version + 1n, updated_at: now }).where("order_id", "=", order.order_id).execute();
      await appendRefundEvent(trx, ctx.eventSubjects, "REFUND_FAILED", row, order.customer_id);
    }
    return row;
  });
  if (failed === undefined) return current(ctx, refund);
  ctx.orderChanges.published(refund.order_id);
  ctx.logger.warn({ refundId: refund.refund_id, orderId: refund.order_id, err: err.toJSON() }, "Juspay rejected the refund: recorded as FAILURE");
  return failed;
}

async function current(ctx: AppContext, refund: RefundRow): Promise<RefundRow> {
  return (await findRefund(ctx.db, { refundId: refund.refund_id })) ?? refund;
}
