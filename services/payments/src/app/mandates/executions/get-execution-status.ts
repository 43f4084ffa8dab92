import { JuspayNotFoundError, isJuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findExecution, findNotification, type ExecutionRow, type NotificationRow } from "../../../db/mandates-repository.js";
import { findOrder, refundsOfOrder } from "../../../db/orders-repository.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../errors.js";
import { applyOrderStatus } from "../../orders/apply-order-status.js";
import { logReadFailure, staleReasonOf, type RefreshedOrder } from "../../orders/refresh-order.js";
import type { CallBudget } from "../../ports.js";

// GetMandateExecutionStatus: the debit order read from Juspay (Order Status,
// or JUSPAY_EXECUTION_STATUS_PATH falling back to it on 404, in
// @payments/juspay) and applied like any order; our rows, marked stale, when
// Juspay cannot answer in time.

export interface ExecutionStatusView extends RefreshedOrder {
  execution: ExecutionRow;
  notification: NotificationRow | undefined;
}

export async function getExecutionStatus(ctx: AppContext, orderId: string, budget: CallBudget): Promise<ExecutionStatusView> {
  const row = await findOrder(ctx.db, orderId);
  const execution = await findExecution(ctx.db, orderId);
  if (row === undefined || execution === undefined || row.order_type !== "MANDATE_EXECUTION") {
    throw new AppError("not_found", ErrorReason.NOT_FOUND, `mandate debit order ${orderId} not found`);
  }
  const notification = execution.notification_id === null ? undefined : await findNotification(ctx.db, execution.notification_id);
  try {
    const { order: reported } = await ctx.juspay.txns.executionStatus(orderId, { signal: budget.signal, deadline: budget.deadline, routingId: row.customer_id });
    const applied = await applyOrderStatus(ctx, reported);
    return { order: applied.order, refunds: applied.refunds, stale: null, execution, notification };
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    const refunds = await refundsOfOrder(ctx.db, orderId);
    // Not placed at Juspay yet (execution.sync sends it): our PENDING row is the answer.
    if (err instanceof JuspayNotFoundError) return { order: row, refunds, stale: null, execution, notification };
    logReadFailure(ctx, { orderId }, err);
    return { order: row, refunds, stale: staleReasonOf(err), execution, notification };
  }
}
