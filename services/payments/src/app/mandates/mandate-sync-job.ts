import { findMandate } from "../../db/mandates-repository.js";
import { isFinalMandateStatus } from "../../domain/mandate-status.js";
import { nextSyncDelayMs } from "../../domain/sync-schedule.js";
import { JOB_KINDS, type MandateSyncPayload } from "../../jobs/kinds.js";
import { enqueue } from "../../jobs/queue.js";
import { JobSnooze, type JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";
import { refreshMandate } from "./refresh-mandate.js";

// After a mandate command whose answer was lost, follows the mandate with
// check_status on a widening schedule until it reaches the command's state or
// a final one, or until ORDER_SYNC_MAX_AGE_MS (webhooks still apply after).

export async function enqueueMandateSync(ctx: AppContext, mandateId: string, target: string): Promise<void> {
  const payload: MandateSyncPayload = { mandateId, target };
  await enqueue(ctx.db, { kind: JOB_KINDS.mandateSync, payload, uniqueKey: `${JOB_KINDS.mandateSync}:${mandateId}`, delayMs: ctx.settings.orderSyncDelayMs });
}

export function mandateSyncJob(ctx: AppContext): JobHandler {
  return async (job, { signal }) => {
    const { mandateId, target } = job.payload as MandateSyncPayload;
    const row = await findMandate(ctx.db, mandateId);
    if (row === undefined || row.status === target || isFinalMandateStatus(row.status)) return;
    const ageMs = Date.now() - job.created_at.getTime();
    if (ageMs > ctx.settings.orderSyncMaxAgeMs) {
      ctx.logger.warn({ mandateId, status: row.status, target }, "mandate sync stopped: the command's outcome is still unknown (webhooks still apply)");
      return;
    }
    const refreshed = await refreshMandate(ctx, mandateId, { signal });
    if (refreshed.mandate.status === target || isFinalMandateStatus(refreshed.mandate.status)) return;
    throw new JobSnooze(nextSyncDelayMs(ageMs, ctx.settings.orderSyncDelayMs, ctx.settings.syncMaxIntervalMs));
  };
}
