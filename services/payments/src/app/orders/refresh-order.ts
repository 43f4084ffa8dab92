import { JuspayNotFoundError, isJuspayError, type JuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findOrder, refundsOfOrder, type OrderRow } from "../../db/orders-repository.js";
import type { AppContext } from "../context.js";
import { juspayCallBudget } from "../call-budget.js";
import { AppError } from "../errors.js";
import type { CallBudget } from "../ports.js";
import { applyOrderStatus, type OrderState } from "./apply-order-status.js";

// Reads an order's truth from Juspay and applies it. When Juspay cannot answer
// in time the row we have is returned marked stale (with why) instead of an
// error: a caller deciding what to show a customer is better served by "last
// known: PENDING_VBV, could not refresh" than by UNAVAILABLE.

export type StaleReason = "juspay_unavailable" | "juspay_timeout" | "juspay_bad_response";

export interface RefreshedOrder extends OrderState {
  stale: StaleReason | null;
}

/** `known`: the row the caller has just read, so it is not read twice (it routes the call and is the stale answer). */
export async function refreshOrder(ctx: AppContext, orderId: string, budget: CallBudget, known?: OrderRow): Promise<RefreshedOrder> {
  const row = known ?? (await findOrder(ctx.db, orderId));
  if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${orderId} not found`);
  try {
    // Time kept back to record the answer, or read our row and refunds when it does not come, and answer stale in time.
    const call = juspayCallBudget(budget);
    const reported = await ctx.juspay.orders.status(orderId, { signal: call.signal, deadline: call.deadline, routingId: row.customer_id });
    const applied = await applyOrderStatus(ctx, reported);
    return { order: applied.order, refunds: applied.refunds, stale: null };
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    // No payment attempt yet (signature flavour: Juspay creates the order when the SDK opens).
    if (err instanceof JuspayNotFoundError) return { order: row, refunds: await refundsOfOrder(ctx.db, orderId), stale: null };
    logReadFailure(ctx, { orderId }, err);
    return { order: row, refunds: await refundsOfOrder(ctx.db, orderId), stale: staleReasonOf(err) };
  }
}

export function staleReasonOf(err: JuspayError): StaleReason {
  if (err.kind === "timeout") return "juspay_timeout";
  if (err.kind === "decode") return "juspay_bad_response";
  return "juspay_unavailable";
}

/** Logs why a read from Juspay failed (our credentials refused: alerted), before answering stale. */
export function logReadFailure(ctx: AppContext, subject: Record<string, string>, err: JuspayError): void {
  if (err.kind === "authentication" || err.kind === "authorization") {
    ctx.alerts.inc("juspay_auth_failed");
    ctx.logger.error({ ...subject, err: err.toJSON() }, "Juspay refused our credentials: check JUSPAY_API_KEY / JUSPAY_MERCHANT_ID");
    return;
  }
  ctx.logger.warn({ ...subject, err: err.toJSON() }, "refresh from Juspay failed; answering from our row, marked stale");
}
