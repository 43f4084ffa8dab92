import { UNKNOWN, type JuspayMandate, type JuspayOrder, type JuspayRefund } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { sql, type Transaction, type Updateable } from "kysely";
import { lockOrder, refundsOfOrder, type OrderRow, type RefundRow } from "../../db/orders-repository.js";
import type { DatabaseSchema, OrdersTable, RefundsTable } from "../../db/schema.js";
import { integrityIssue } from "../../domain/integrity.js";
import { orderEventType, refundEventType, type RefundEventType } from "../../domain/payment-event-types.js";
import { isMoneyMovingStatus, mayTransition } from "../../domain/order-status.js";
import { isFinalRefundStatus, mayTransitionRefund } from "../../domain/refund-status.js";
import type { AppContext } from "../context.js";
import { appendOrderEvent, appendRefundEvent } from "../events/payment-events.js";
import { applyMandateInTransaction } from "../mandates/apply-mandate.js";
import { AppError } from "../errors.js";

// Applies an order as Juspay reports it (order status answer, refund answer)
// to our rows, under the order's row lock so a webhook, a sync and an RPC
// never interleave on one order. Only allowed transitions are taken, and a
// money-moving status whose amount, currency or order id differs from our row
// turns the order INTEGRITY_MISMATCH instead of paid. Such an order stays
// flagged, but what Juspay charged for it is recorded and its refunds are
// followed: it is refundable up to Juspay's amount, never ours (ADR 0025).

export interface OrderState {
  order: OrderRow;
  refunds: RefundRow[];
}

export interface AppliedOrderState extends OrderState {
  /** Whether anything a caller can see changed (status, refunds, payment details). */
  changed: boolean;
}

export async function applyOrderStatus(ctx: AppContext, reported: JuspayOrder): Promise<AppliedOrderState> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const applied = await applyInTransaction(ctx, trx, reported);
    // Only last_synced_at moved: this commit need not wait for the disk (a
    // crash loses a sync time, which the next read writes again). That takes a
    // flush (0.3–1.2 ms) off every refreshing read of an unchanged order
    // (tools/bench P4). Only here, where the transaction is ours alone.
    if (!applied.changed && reported.mandate === null) await sql`set local synchronous_commit = off`.execute(trx);
    return applied;
  });
  if (result.changed) ctx.orderChanges.published(result.order.order_id);
  return result;
}

/** The same, inside a transaction the caller owns (publish the change after it commits). */
export async function applyInTransaction(ctx: AppContext, trx: Transaction<DatabaseSchema>, reported: JuspayOrder): Promise<AppliedOrderState> {
  const row = await lockOrder(trx, reported.orderId);
  if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${reported.orderId} not found`);
  const now = new Date();
  const patch: Updateable<OrdersTable> = { last_synced_at: now };
  let changed = false;
  const set = <K extends keyof OrderRow & keyof Updateable<OrdersTable>>(column: K, value: OrderRow[K]) => {
    if (row[column] === value) return;
    (patch as Record<string, unknown>)[column] = value;
    changed = true;
  };

  const status = reported.status === UNKNOWN ? "UNKNOWN" : reported.status;
  const issue = integrityIssue({ orderId: row.order_id, amountMinor: row.amount_minor, currency: row.currency }, reported);
  const flagged = issue !== null && isMoneyMovingStatus(status);
  if (flagged) {
    if (row.status !== "INTEGRITY_MISMATCH" && mayTransition(row.status, "INTEGRITY_MISMATCH")) {
      set("status", "INTEGRITY_MISMATCH");
      set("status_raw", reported.statusRaw);
      set("integrity_issue", issue);
      ctx.alerts.inc("integrity_mismatch");
      ctx.logger.error({ orderId: row.order_id, reportedStatus: status, issue }, "integrity mismatch: Juspay reports a payment that does not match our order; not marked paid");
    }
  } else if (mayTransition(row.status, status)) {
    set("status", status);
    set("status_raw", reported.statusRaw);
    set("status_id", reported.statusId);
  }
  if (!flagged) {
    const txn = reported.txnDetail;
    set("juspay_order_id", reported.id ?? row.juspay_order_id);
    set("txn_id", reported.txnId ?? row.txn_id);
    set("payment_method_type", reported.paymentMethodType ?? row.payment_method_type);
    set("payment_method", reported.paymentMethod ?? row.payment_method);
    set("error_code", txn?.errorCode ?? reported.bankErrorCode ?? null);
    set("error_message", txn?.errorMessage ?? reported.bankErrorMessage ?? null);
    set("mandate_id", reported.mandate?.mandateId ?? row.mandate_id);
  }
  const mismatched = flagged || row.status === "INTEGRITY_MISMATCH";
  const charged = mismatched ? (juspayCharge(status, reported, row.currency) ?? row.charged_amount_minor) : row.charged_amount_minor;
  set("charged_amount_minor", charged);
  const refunded = reported.amountRefundedMinor === null ? null : BigInt(reported.amountRefundedMinor);
  if (refunded !== null && refunded > row.amount_refunded_minor && refunded <= (charged ?? row.amount_minor)) set("amount_refunded_minor", refunded);

  const refunds = await refundsOfOrder(trx, row.order_id);
  const updatedRefunds: RefundRow[] = [];
  const refundEvents: [RefundEventType, RefundRow][] = [];
  for (const refund of refunds) {
    const seen = reported.refunds.find((r) => r.uniqueRequestId === refund.unique_request_id);
    const next = seen === undefined ? refund : await applyRefund(ctx, trx, refund, seen, now);
    if (next !== refund) changed = true;
    const event = refundEventType(refund.status, next.status);
    if (event !== null) refundEvents.push([event, next]);
    updatedRefunds.push(next);
  }

  if (changed) {
    patch.version = row.version + 1n;
    patch.updated_at = now;
  }
  const order = await trx.updateTable("orders").set(patch).where("order_id", "=", row.order_id).returningAll().executeTakeFirstOrThrow();
  // Row locks before the outbox lock (the mandate's too), in every transaction: no lock-order deadlock.
  if (reported.mandate !== null && !flagged) await applyOrderMandate(ctx, trx, order, reported.mandate);
  const orderEvent = orderEventType(row.status, order.status);
  if (orderEvent !== null) await appendOrderEvent(trx, ctx.eventSubjects, orderEvent, order, updatedRefunds);
  for (const [type, refund] of refundEvents) await appendRefundEvent(trx, ctx.eventSubjects, type, refund, order.customer_id);
  return { order, refunds: updatedRefunds, changed };
}

/** What Juspay reports it charged: its amount while it says CHARGED in our currency; else null. */
function juspayCharge(status: string, reported: JuspayOrder, currency: string): bigint | null {
  if (status !== "CHARGED" || reported.amountMinor === null) return null;
  if (reported.currency !== null && reported.currency !== currency) return null;
  const amount = BigInt(reported.amountMinor);
  return amount > 0n ? amount : null;
}

/** A registration order's status carries its mandate: the mandate row follows it (ADR 0013). */
async function applyOrderMandate(ctx: AppContext, trx: Transaction<DatabaseSchema>, order: OrderRow, mandate: JuspayMandate): Promise<void> {
  const registration = order.order_type === "MANDATE_REGISTRATION";
  // The block has no payment_info: a registration's instrument type (UPI, CARD, NB) is its payment's.
  const reported = registration ? { ...mandate, paymentMethodType: mandate.paymentMethodType ?? order.payment_method_type } : mandate;
  await applyMandateInTransaction(ctx, trx, reported, { customerId: order.customer_id, registrationOrderId: registration ? order.order_id : null });
}

/** One refund as Juspay shows it; returns the updated row, or the same object when nothing changed. */
async function applyRefund(ctx: AppContext, trx: Transaction<DatabaseSchema>, row: RefundRow, seen: JuspayRefund, now: Date): Promise<RefundRow> {
  if (seen.amountMinor !== null && BigInt(seen.amountMinor) !== row.amount_minor) {
    ctx.alerts.inc("integrity_mismatch");
    ctx.logger.error({ refundId: row.refund_id }, "integrity mismatch: Juspay's refund with our unique_request_id has another amount; ignored");
    return row;
  }
  const status = seen.status === UNKNOWN ? "UNKNOWN" : seen.status;
  const patch: Updateable<RefundsTable> = {};
  if (mayTransitionRefund(row.status, status)) {
    patch.status = status;
    patch.status_raw = seen.statusRaw;
    if (isFinalRefundStatus(status)) patch.settled_at = now;
    if (status === "MANUAL_REVIEW") {
      ctx.alerts.inc("refund_manual_review");
      ctx.logger.error({ refundId: row.refund_id, orderId: row.order_id }, "refund needs manual review at Juspay: no automatic retry");
    }
  }
  const details: Partial<RefundRow> = {
    acknowledged: true,
    juspay_refund_id: seen.id ?? row.juspay_refund_id,
    gateway_reference: seen.ref ?? row.gateway_reference,
    arn: seen.arn ?? row.arn,
    refund_type: seen.refundType ?? row.refund_type,
    sent_to_gateway: seen.sentToGateway ?? row.sent_to_gateway,
    error_code: seen.errorCode ?? row.error_code,
    error_message: seen.errorMessage ?? row.error_message,
  };
  for (const [column, value] of Object.entries(details)) {
    if (row[column as keyof RefundRow] !== value) (patch as Record<string, unknown>)[column] = value;
  }
  if (Object.keys(patch).length === 0) {
    await trx.updateTable("refunds").set({ last_synced_at: now }).where("refund_id", "=", row.refund_id).execute();
    return row;
  }
  return trx
    .updateTable("refunds")
    .set({ ...patch, updated_at: now, last_synced_at: now })
    .where("refund_id", "=", row.refund_id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
