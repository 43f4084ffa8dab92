import { JuspayNotFoundError, isJuspayError } from "@payments/juspay";
import { findExecution } from "../../../db/mandates-repository.js";
import { findOrder } from "../../../db/orders-repository.js";
import { isTerminalOrder } from "../../../domain/order-status.js";
import { nextSyncDelayMs } from "../../../domain/sync-schedule.js";
import type { ExecutionSyncPayload } from "../../../jobs/kinds.js";
import { JobSnooze, type JobHandler } from "../../../jobs/worker.js";
import type { AppContext } from "../../context.js";
import { applyOrderStatus } from "../../orders/apply-order-status.js";
import { enqueueOrderSync } from "../../orders/order-sync-job.js";
import { deliverDebit, recordHeld } from "./execute-mandate.js";

// Makes sure Juspay holds a debit order: while Juspay has not acknowledged
// it, reads its order status; an order Juspay does not know (the request was
// lost on the way) is sent again with the same order id, which Juspay refuses
// to duplicate. Once Juspay holds it, the order sync follows it like any
// order (webhooks too).

export function executionSyncJob(ctx: AppContext): JobHandler {
  return async (job, { signal }) => {
    const { orderId } = job.payload as ExecutionSyncPayload;
    const execution = await findExecution(ctx.db, orderId);
    const order = await findOrder(ctx.db, orderId);
    if (execution === undefined || order === undefined || isTerminalOrder(order)) return;
    if (execution.acknowledged) return enqueueOrderSync(ctx.db, ctx, orderId);

    const ageMs = Date.now() - execution.created_at.getTime();
    try {
      const reported = await ctx.juspay.orders.status(orderId, { signal, routingId: order.customer_id });
      await recordHeld(ctx, orderId);
      await applyOrderStatus(ctx, reported);
      return enqueueOrderSync(ctx.db, ctx, orderId);
    } catch (err) {
      if (!isJuspayError(err)) throw err;
      if (err instanceof JuspayNotFoundError) {
        ctx.logger.info({ orderId }, "Juspay does not hold the mandate debit: sending it again with the same order id");
        await deliverDebit(ctx, execution, order, { signal });
        const after = await findExecution(ctx.db, orderId);
        if (after?.acknowledged) return enqueueOrderSync(ctx.db, ctx, orderId);
      }
    }
    if (ageMs > ctx.settings.orderSyncMaxAgeMs) {
      ctx.logger.error({ orderId }, "mandate debit still not held by Juspay after ORDER_SYNC_MAX_AGE_MS: left PENDING for an operator");
      return;
    }
    throw new JobSnooze(nextSyncDelayMs(ageMs, ctx.settings.orderSyncDelayMs, ctx.settings.syncMaxIntervalMs));
  };
}
