import { findOrder, findRefund } from "../../db/orders-repository.js";
import { needsNoSync } from "../../domain/refund-status.js";
import { nextSyncDelayMs } from "../../domain/sync-schedule.js";
import type { RefundSyncPayload } from "../../jobs/kinds.js";
import { JobSnooze, type JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";
import { refreshOrder } from "../orders/refresh-order.js";
import { sendRefund } from "./send-refund.js";

// Refund sync (refund.sync {refundId}): brings a PENDING refund to Juspay's
// final word, whatever happened to the call that created it (timeout, crash,
// lost answer). Reads order status; if Juspay shows our unique_request_id its
// state is applied; if Juspay has never shown it, the refund is sent again
// with the SAME id (Juspay dedupes it: duplicate.call), never a new one.
// Until the refund is settled the job snoozes on a widening schedule;
// MANUAL_REVIEW is final for automation (a human resolves it at Juspay).

export function refundSyncJob(ctx: AppContext): JobHandler {
  return async (job, { signal }) => {
    const { refundId } = job.payload as RefundSyncPayload;
    const refund = await findRefund(ctx.db, { refundId });
    if (refund === undefined) {
      ctx.logger.warn({ refundId }, "refund sync: no such refund; nothing to do");
      return;
    }
    if (needsNoSync(refund.status)) return;
    const snooze = () => new JobSnooze(nextSyncDelayMs(Date.now() - refund.created_at.getTime(), ctx.settings.refundSyncDelayMs, ctx.settings.syncMaxIntervalMs));

    const refreshed = await refreshOrder(ctx, refund.order_id, { signal });
    if (refreshed.stale !== null) {
      ctx.logger.warn({ refundId, orderId: refund.order_id, staleReason: refreshed.stale }, "refund sync: Juspay unavailable; trying again later");
      throw snooze();
    }
    let row = refreshed.refunds.find((r) => r.refund_id === refundId) ?? refund;
    if (needsNoSync(row.status)) return;

    if (!row.acknowledged) {
      // Juspay answered and does not show our id: it never got the refund (or refused a same-amount one seconds before).
      const order = await findOrder(ctx.db, refund.order_id);
      ctx.logger.info({ refundId, orderId: refund.order_id }, "refund sync: Juspay does not have the refund; sending it again with the same unique_request_id");
      const sent = await sendRefund(ctx, row, order?.customer_id ?? refreshed.order.customer_id, { signal });
      // Answered, reconciled or rejected: maybe settled already. Unknown: the next run reads status again.
      row = sent.refund;
      if (needsNoSync(row.status)) return;
    }
    throw snooze();
  };
}
