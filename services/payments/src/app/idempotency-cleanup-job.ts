import { enqueue, type Db } from "../jobs/queue.js";
import { JOB_KINDS } from "../jobs/kinds.js";
import { JobSnooze, type JobHandler } from "../jobs/worker.js";
import type { AppContext } from "./context.js";
import { pruneKeys } from "./idempotency.js";
import { pruneExpiredSessionPayloads } from "../db/session-payloads-repository.js";

// Idempotency keys are kept IDEMPOTENCY_RETENTION_MS, then deleted in
// batches: completed ones after their creation, abandoned in-flight ones
// after their lock expired (pruneKeys says why that is safe). Refund keys
// stay unique for ever on the refund row itself, so a replay after this
// cleanup still cannot make a second refund. Session API payloads kept for
// reuse (they hold a client auth token) go in the same run once expired.

const INTERVAL_MS = 5 * 60_000;
const BATCH = 1_000;

/** Makes sure the one recurring cleanup job exists (at start; a no-op when it does). */
export async function ensureIdempotencyCleanup(db: Db): Promise<void> {
  await enqueue(db, { kind: JOB_KINDS.idempotencyCleanup, uniqueKey: JOB_KINDS.idempotencyCleanup });
}

export function idempotencyCleanupJob(ctx: AppContext): JobHandler {
  return async () => {
    let deleted = 0;
    for (let n = BATCH; n === BATCH; deleted += n) n = await pruneKeys(ctx.db, ctx.settings.idempotencyRetentionMs, BATCH);
    if (deleted > 0) ctx.logger.info({ deleted }, "idempotency keys past retention deleted");
    let sessions = 0;
    for (let n = BATCH; n === BATCH; sessions += n) n = await pruneExpiredSessionPayloads(ctx.db, BATCH);
    if (sessions > 0) ctx.logger.info({ deleted: sessions }, "expired session payloads deleted");
    // Never completes: comes back after the interval (a snooze counts no attempt).
    throw new JobSnooze(INTERVAL_MS);
  };
}
