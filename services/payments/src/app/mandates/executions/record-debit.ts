import { UNKNOWN, type JuspayError, type JuspayTxnAnswer } from "@payments/juspay";
import { lockOrder, refundsOfOrder, type OrderRow } from "../../../db/orders-repository.js";
import { orderEventType } from "../../../domain/payment-event-types.js";
import { mayTransition } from "../../../domain/order-status.js";
import type { AppContext } from "../../context.js";
import { appendOrderEvent } from "../../events/payment-events.js";

// What a debit request's answer proves, written to the debit order under its
// row lock with the order rules: Juspay's answer (the attempt's status and
// txn id), or Juspay's refusal of a debit it does not hold (FAILURE with its
// code). Either way Juspay has answered: the execution is acknowledged.

export async function recordDebitAnswer(ctx: AppContext, orderId: string, answer: JuspayTxnAnswer): Promise<OrderRow | undefined> {
  const status = answer.status === UNKNOWN ? "UNKNOWN" : answer.status;
  return record(ctx, orderId, (row) => ({
    ...(mayTransition(row.status, status) ? { status, status_raw: answer.statusRaw } : {}),
    ...(answer.txnId !== null && answer.txnId !== row.txn_id ? { txn_id: answer.txnId } : {}),
  }));
}

export async function recordDebitRefused(ctx: AppContext, orderId: string, err: JuspayError): Promise<OrderRow | undefined> {
  const updated = await record(ctx, orderId, (row) =>
    row.status === "PENDING"
      ? {
          status: "FAILURE",
          status_raw: err.juspayStatus ?? "",
          error_code: err.errorCode ?? err.kind,
          error_message: (err.errorMessage ?? "Juspay rejected the debit").slice(0, 512),
        }
      : {},
  );
  ctx.logger.warn({ orderId, err: err.toJSON() }, "Juspay rejected the mandate debit: recorded as FAILURE");
  return updated;
}

/** The columns a debit's answer may set. */
type DebitPatch = Partial<Pick<OrderRow, "status" | "status_raw" | "txn_id" | "error_code" | "error_message">>;

/** Marks the execution acknowledged and applies `change` (empty = nothing to change) to the debit order. */
async function record(ctx: AppContext, orderId: string, change: (row: OrderRow) => DebitPatch): Promise<OrderRow | undefined> {
  let changed = false;
  const order = await ctx.db.transaction().execute(async (trx) => {
    const row = await lockOrder(trx, orderId);
    await trx.updateTable("mandate_executions").set({ acknowledged: true }).where("order_id", "=", orderId).execute();
    if (row === undefined) return undefined;
    const patch = change(row);
    if (Object.keys(patch).length === 0) return row;
    changed = true;
    const now = new Date();
    const updated = await trx
      .updateTable("orders")
      .set({ ...patch, version: row.version + 1n, updated_at: now, last_synced_at: now })
      .where("order_id", "=", orderId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const event = orderEventType(row.status, updated.status);
    if (event !== null) await appendOrderEvent(trx, ctx.eventSubjects, event, updated, await refundsOfOrder(trx, orderId));
    return updated;
  });
  if (changed) ctx.orderChanges.published(orderId);
  return order;
}
