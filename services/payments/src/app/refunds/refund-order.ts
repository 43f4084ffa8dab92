import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findOrder, findRefund, type RefundRow } from "../../db/orders-repository.js";
import { isTerminalOrderStatus } from "../../domain/order-status.js";
import { needsNoSync } from "../../domain/refund-status.js";
import { juspayCallBudget } from "../call-budget.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { completeKey, scopeOf, type KeyRef } from "../idempotency.js";
import { refreshOrder } from "../orders/refresh-order.js";
import type { CallBudget } from "../ports.js";
import { prepareRefund, type RefundRequest } from "./prepare-refund.js";
import { sendRefund } from "./send-refund.js";

// RefundOrder: at most one refund reaches Juspay per caller key.
// 1. A just-paid order is refreshed first, so it is refundable; so is an
//    INTEGRITY_MISMATCH one, to learn what Juspay charged (ADR 0025).
// 2. The key is claimed and the PENDING row (with its unique_request_id) and
//    its sync job are committed before Juspay is called (prepare-refund.ts).
// 3. Juspay is called once, within the caller's deadline; what its answer
//    proves is recorded (send-refund.ts). An unknown outcome answers OK with
//    the PENDING refund: the sync job settles it.
// 4. The key is completed, linked to the refund row: every replay answers
//    the refund's current state, with no Juspay call.

export type RefundOrderResult =
  | { refund: RefundRow }
  /** A completed key with no refund linked (not written by this code, kept for safety): the stored response. */
  | { storedResponse: Uint8Array };

/** Serializes the RPC response for the idempotency key (the rpc layer owns the proto). */
export type ResponseEncoder = (refund: RefundRow) => Uint8Array;

export async function refundOrder(ctx: AppContext, request: RefundRequest, budget: CallBudget, encode: ResponseEncoder): Promise<RefundOrderResult> {
  const ref: KeyRef = { scope: scopeOf(request.caller, "RefundOrder"), key: request.idempotencyKey };

  const order = await findOrder(ctx.db, request.orderId);
  if (order === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${request.orderId} not found`);
  if (!isTerminalOrderStatus(order.status) || order.status === "INTEGRITY_MISMATCH") await refreshOrder(ctx, request.orderId, budget, order);

  const prepared = await ctx.db.transaction().execute((trx) => prepareRefund(ctx, trx, ref, request));
  if (prepared.kind === "replay") return replay(ctx, prepared.refundId, prepared.response);
  if (prepared.fresh) ctx.orderChanges.published(request.orderId);

  let refund = prepared.refund;
  // A taken-over call whose refund Juspay already holds (or that is settled) needs no new POST.
  if (!needsNoSync(refund.status) && !refund.acknowledged) {
    refund = (await sendRefund(ctx, refund, order.customer_id, juspayCallBudget(budget))).refund;
  }
  await completeKey(ctx.db, ref, encode(refund), refund.refund_id);
  return { refund };
}

async function replay(ctx: AppContext, refundId: string | null, response: Uint8Array | null): Promise<RefundOrderResult> {
  if (refundId !== null) {
    const refund = await findRefund(ctx.db, { refundId });
    if (refund !== undefined) return { refund };
  }
  if (response !== null) return { storedResponse: response };
  // Cannot happen for keys this code completes; refuse rather than refund twice.
  throw new AppError("internal", ErrorReason.INTERNAL, "the stored outcome of this idempotency_key cannot be read");
}
