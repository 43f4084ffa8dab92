import { sql } from "kysely";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findWebhookEvent, type WebhookEventRow } from "../../db/webhook-events-repository.js";
import { JOB_KINDS, type WebhookProcessPayload } from "../../jobs/kinds.js";
import { enqueue } from "../../jobs/queue.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { claimKey, completeKey, releaseKey, scopeOf } from "../idempotency.js";
import type { CallBudget } from "../ports.js";
import { webhookProcessKey } from "./ingest-webhook.js";

// ReplayWebhookEvent: process one stored event again (after fixing the cause
// of FAILED or UNMATCHED, or for mandate events once MandateService exists).
// The processing runs in the worker, as for a fresh event: a live job for the
// event is reused (its unique key), so a replay never processes one event
// twice at once. We wait a little for it to finish so the answer usually shows
// the outcome; a slow Juspay leaves the event as it is and the job running.
// Replaying is harmless by design: processing only applies Juspay's truth.

/** How long a replay waits for its processing before answering with the current state. */
const WAIT_MS = 5_000;
const POLL_MS = 50;

export interface ReplayInput {
  caller: string;
  idempotencyKey: string;
  eventId: string;
  requestHash: string;
}

export type ReplayResult = { event: WebhookEventRow } | { storedResponse: Uint8Array };

export async function replayWebhookEvent(
  ctx: AppContext,
  input: ReplayInput,
  budget: CallBudget,
  encode: (event: WebhookEventRow) => Uint8Array,
): Promise<ReplayResult> {
  const ref = { scope: scopeOf(input.caller, "ReplayWebhookEvent"), key: input.idempotencyKey };
  const claim = await claimKey(ctx.db, ref, input.requestHash, ctx.settings.idempotencyLockMs);
  if (claim.kind === "completed" && claim.response !== null) return { storedResponse: claim.response };
  try {
    const before = await ctx.db.transaction().execute(async (trx) => {
      const found = await findWebhookEvent(trx, input.eventId);
      if (found === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `webhook event ${input.eventId} not found`);
      const payload: WebhookProcessPayload = { eventId: input.eventId };
      const jobId = await enqueue(trx, { kind: JOB_KINDS.webhookProcess, payload, uniqueKey: webhookProcessKey(input.eventId) });
      // A reused job may be waiting out a long backoff: "again now" means now.
      await trx.updateTable("jobs").set({ run_at: sql<Date>`now()` }).where("id", "=", jobId).where("state", "in", ["available", "retryable"]).execute();
      return { jobId, attempts: found.attempt_count };
    });
    ctx.wakeJobs();
    await waitForProcessing(ctx, input.eventId, before.attempts, budget);
    const event = await findWebhookEvent(ctx.db, input.eventId);
    if (event === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `webhook event ${input.eventId} not found`);
    await completeKey(ctx.db, ref, encode(event), event.event_id);
    ctx.logger.info({ webhookEventId: event.event_id, eventName: event.event_name, state: event.state }, "webhook event replayed");
    return { event };
  } catch (err) {
    // Enqueueing again is harmless: a retry with the same key may simply run again.
    await releaseKey(ctx.db, ref);
    throw err;
  }
}

/** Until a processing attempt after `attempts` was recorded, WAIT_MS passed, or the caller's budget ends. */
async function waitForProcessing(ctx: AppContext, eventId: string, attempts: number, budget: CallBudget): Promise<void> {
  const until = Math.min(Date.now() + WAIT_MS, (budget.deadline ?? Infinity) - POLL_MS);
  while (Date.now() < until && budget.signal?.aborted !== true) {
    const event = await findWebhookEvent(ctx.db, eventId);
    if (event === undefined || event.attempt_count > attempts) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
