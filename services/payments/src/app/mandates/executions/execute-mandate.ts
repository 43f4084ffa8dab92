import { JuspayDuplicateError, JuspayNotFoundError, isJuspayError, type JuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findExecution, type ExecutionRow } from "../../../db/mandates-repository.js";
import { findOrder, type OrderRow } from "../../../db/orders-repository.js";
import { toJuspayMinor } from "../../../domain/money.js";
import { juspayCallBudget } from "../../call-budget.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../errors.js";
import { completeKey, scopeOf, type KeyRef } from "../../idempotency.js";
import { applyOrderStatus } from "../../orders/apply-order-status.js";
import { isDefiniteRefusal } from "../../juspay-refusal.js";
import type { CallBudget } from "../../ports.js";
import { prepareExecution, type ExecutionRequest } from "./prepare-execution.js";
import { recordDebitAnswer, recordDebitRefused } from "./record-debit.js";

// ExecuteMandate: at most one debit reaches Juspay per caller key, and every
// attempt carries the same new order id, which Juspay refuses to reuse.
// 1. The PENDING debit order and its execution row are committed first
//    (prepare-execution.ts), with execution.sync scheduled.
// 2. POST /txns once, within the caller's deadline. An answer is recorded;
//    DUPLICATE_ORDER_ID means an earlier attempt got through: order status is
//    read; a refusal is checked against order status, and only a debit Juspay
//    does not hold becomes FAILURE; a lost answer leaves it PENDING.
// 3. The key is completed, linked to the order: replays answer its current state.

export interface ExecutedMandate {
  execution: ExecutionRow;
  order: OrderRow;
}

export async function executeMandate(ctx: AppContext, request: ExecutionRequest, budget: CallBudget): Promise<ExecutedMandate> {
  const ref: KeyRef = { scope: scopeOf(request.caller, "ExecuteMandate"), key: request.idempotencyKey };
  const prepared = await ctx.db.transaction().execute((trx) => prepareExecution(ctx, trx, ref, request));
  if (prepared.kind === "replay") return current(ctx, prepared.orderId);
  let { execution, order } = prepared;
  if (!execution.acknowledged && order.status === "PENDING") {
    order = await deliverDebit(ctx, execution, order, juspayCallBudget(budget));
    execution = (await findExecution(ctx.db, execution.order_id)) ?? execution;
  }
  await completeKey(ctx.db, ref, null, order.order_id);
  return { execution, order };
}

/** Sends the debit (same order id every time) and records what the answer proves. Also used by execution.sync. */
export async function deliverDebit(ctx: AppContext, execution: ExecutionRow, order: OrderRow, budget: CallBudget): Promise<OrderRow> {
  const options = { signal: budget.signal, deadline: budget.deadline, routingId: order.customer_id };
  try {
    const answer = await ctx.juspay.txns.executeMandate(
      {
        mandateId: execution.mandate_id,
        orderId: order.order_id,
        amountMinor: toJuspayMinor(order.amount_minor),
        customerId: order.customer_id,
        currency: order.currency,
        ...(execution.execute_at !== null ? { executionDate: execution.execute_at } : {}),
        ...(execution.notification_id !== null ? { notificationId: execution.notification_id } : {}),
        ...(execution.display_invoice_number !== null ? { displayInvoiceNumber: execution.display_invoice_number } : {}),
      },
      options,
    );
    return (await recordDebitAnswer(ctx, order.order_id, answer)) ?? order;
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    if (err instanceof JuspayDuplicateError) return readBack(ctx, order, null, budget);
    if (isDefiniteRefusal(err)) return readBack(ctx, order, err, budget);
    ctx.logger.warn({ orderId: order.order_id, err: err.toJSON() }, "mandate debit outcome unknown: left PENDING for execution.sync");
    return (await findOrder(ctx.db, order.order_id)) ?? order;
  }
}

/**
 * Juspay holds the order (an earlier attempt) or refused it: its order status
 * says which. Only a refused debit Juspay does not hold becomes FAILURE; when
 * Juspay cannot say, it stays PENDING.
 */
async function readBack(ctx: AppContext, order: OrderRow, refusal: JuspayError | null, budget: CallBudget): Promise<OrderRow> {
  try {
    const reported = await ctx.juspay.orders.status(order.order_id, { signal: budget.signal, deadline: budget.deadline, routingId: order.customer_id });
    await recordHeld(ctx, order.order_id);
    return (await applyOrderStatus(ctx, reported)).order;
  } catch (err) {
    if (err instanceof JuspayNotFoundError && refusal !== null) return (await recordDebitRefused(ctx, order.order_id, refusal)) ?? order;
    if (!isJuspayError(err)) throw err;
    return (await findOrder(ctx.db, order.order_id)) ?? order;
  }
}

/** Juspay has shown it holds the debit order: from now on it is never resent. */
export async function recordHeld(ctx: AppContext, orderId: string): Promise<void> {
  await ctx.db.updateTable("mandate_executions").set({ acknowledged: true }).where("order_id", "=", orderId).execute();
}

async function current(ctx: AppContext, orderId: string | null): Promise<ExecutedMandate> {
  const execution = orderId === null ? undefined : await findExecution(ctx.db, orderId);
  const order = orderId === null ? undefined : await findOrder(ctx.db, orderId);
  if (execution === undefined || order === undefined) throw new AppError("internal", ErrorReason.INTERNAL, "the stored outcome of this idempotency_key cannot be read");
  return { execution, order };
}
