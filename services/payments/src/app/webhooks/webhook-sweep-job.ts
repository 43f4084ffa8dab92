import { unmatchedNowMatchable } from "../../db/webhook-events-repository.js";
import { JOB_KINDS, type WebhookProcessPayload } from "../../jobs/kinds.js";
import { enqueue, type Db } from "../../jobs/queue.js";
import { JobSnooze, type JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";
import { webhookProcessKey } from "./ingest-webhook.js";
import { UNMATCHED_NO_OWNER } from "./process-mandate-events.js";

// Webhooks can arrive before our order row (Juspay is fast, our caller slow,
// or a replica's commit not yet visible): those events are UNMATCHED and kept.
// This recurring job finds the ones whose row exists now and processes
// them again, so none is acknowledged and then dropped (criterion 29). A
// sweep rather than a hook in every path that creates an order: one place,
// and it also catches rows created by paths added later.

export const WEBHOOK_SWEEP_INTERVAL_MS = 30_000;
const BATCH = 100;

/** Makes sure the one recurring sweep job exists (at start; a no-op when it does). */
export async function ensureWebhookSweep(db: Db): Promise<void> {
  await enqueue(db, { kind: JOB_KINDS.webhookSweep, uniqueKey: JOB_KINDS.webhookSweep });
}

export function webhookSweepJob(ctx: AppContext): JobHandler {
  return async () => {
    const eventIds = await unmatchedNowMatchable(ctx.db, UNMATCHED_NO_OWNER, BATCH);
    for (const eventId of eventIds) {
      const payload: WebhookProcessPayload = { eventId };
      await enqueue(ctx.db, { kind: JOB_KINDS.webhookProcess, payload, uniqueKey: webhookProcessKey(eventId) });
    }
    if (eventIds.length > 0) {
      ctx.logger.info({ count: eventIds.length }, "unmatched webhook events whose order now exists re-enqueued");
      ctx.wakeJobs();
    }
    // A full batch means more may be waiting: come back soon (after those jobs ran). Never completes.
    throw new JobSnooze(eventIds.length === BATCH ? 1_000 : WEBHOOK_SWEEP_INTERVAL_MS);
  };
}
