import { findOrder } from "../../db/orders-repository.js";
import { isTerminalOrder } from "../../domain/order-status.js";
import { nextSyncDelayMs } from "../../domain/sync-schedule.js";
import { enqueue, type Db } from "../../jobs/queue.js";
import { JOB_KINDS, type OrderSyncPayload } from "../../jobs/kinds.js";
import { JobSnooze, type JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";
import { refreshOrder } from "./refresh-order.js";

// Order sync: a customer who never comes back to the app still gets their
// order settled. Polls Juspay's order status on a widening schedule until the
// order is terminal or older than ORDER_SYNC_MAX_AGE_MS (webhooks still apply
// after that).

/** Schedules the order's sync (once: a live sync job for the order is reused). Call inside the business transaction. */
export async function enqueueOrderSync(db: Db, ctx: AppContext, orderId: string): Promise<void> {
  const payload: OrderSyncPayload = { orderId };
  await enqueue(db, {
    kind: JOB_KINDS.orderSync,
    payload,
    uniqueKey: `${JOB_KINDS.orderSync}:${orderId}`,
    delayMs: ctx.settings.orderSyncDelayMs,
  });
}

export function orderSyncJob(ctx: AppContext): JobHandler {
  return async (job, { signal }) => {
    const { orderId } = job.payload as OrderSyncPayload;
    const row = await findOrder(ctx.db, orderId);
    if (row === undefined || isTerminalOrder(row)) return;
    const ageMs = Date.now() - row.created_at.getTime();
    if (ageMs > ctx.settings.orderSyncMaxAgeMs) {
      ctx.logger.info({ orderId, status: row.status }, "order sync stopped: order too old to poll (webhooks still apply)");
      return;
    }
    const refreshed = await refreshOrder(ctx, orderId, { signal }, row);
    if (isTerminalOrder(refreshed.order)) return;
    throw new JobSnooze(nextSyncDelayMs(ageMs, ctx.settings.orderSyncDelayMs, ctx.settings.syncMaxIntervalMs));
  };
}
