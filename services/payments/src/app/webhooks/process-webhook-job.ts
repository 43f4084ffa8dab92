import { findWebhookEvent, recordProcessing, type WebhookEventRow } from "../../db/webhook-events-repository.js";
import { webhookAction } from "../../domain/webhook-event-kinds.js";
import type { WebhookProcessPayload } from "../../jobs/kinds.js";
import { describeError, type JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";
import { processingWebhook } from "../events/event-cause.js";
import { processMandateEvent, processNotificationEvent } from "./process-mandate-events.js";
import { processOrderEvent, type SubjectOutcome } from "./process-order-event.js";

// Processing of one stored webhook (job `webhook.process`). The webhook is a
// hint (Basic auth is weak and bodies can be stale or replayed): the event
// makes us read Juspay's status of its order, mandate or notification and
// apply that under the row lock, with every transition and integrity rule,
// so a body claiming CHARGED changes nothing Juspay does not confirm, for the
// amount we hold (criterion 32), nothing moves backwards and replays are
// harmless (criterion 30).
//
// Dedup state and processing state are separate (a failed first processing is
// retried): a failed attempt marks the event FAILED with its error and throws,
// so the job queue retries it with backoff; after the queue's last attempt it
// stays FAILED until ReplayWebhookEvent. An event for a row we do not have is
// UNMATCHED, kept, and re-processed by the sweep once the row exists
// (criterion 29).

/** Thrown to make the job queue retry; its message is stored on the job, never body content. */
class WebhookProcessingFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookProcessingFailed";
  }
}

export function processWebhookJob(ctx: AppContext): JobHandler {
  return async (job, { signal }) => {
    const { eventId } = job.payload as WebhookProcessPayload;
    const event = await findWebhookEvent(ctx.db, eventId);
    // MALFORMED bodies never become events; a missing row has nothing to do.
    if (event === undefined || event.state === "MALFORMED") return;
    await processWebhookEvent(ctx, event, signal);
  };
}

export async function processWebhookEvent(ctx: AppContext, event: WebhookEventRow, signal: AbortSignal): Promise<void> {
  const log = { webhookEventId: event.event_id, eventName: event.event_name, orderId: event.order_id, mandateId: event.mandate_id };
  const action = webhookAction(event.event_name);
  if (action.kind === "ignore") {
    await recordProcessing(ctx.db, event.event_id, { state: "IGNORED", lastError: action.reason, countAttempt: true });
    ctx.logger.info(log, "webhook event ignored");
    return;
  }

  let outcome: SubjectOutcome;
  try {
    // The payment events this processing appends name the webhook (PaymentEvent.webhook_event_id).
    outcome = await processingWebhook(event.event_id, () => {
      if (action.kind === "refresh_order") return processOrderEvent(ctx, event, signal);
      if (action.kind === "refresh_mandate") return processMandateEvent(ctx, event, signal);
      return processNotificationEvent(ctx, event, signal);
    });
  } catch (err) {
    outcome = { state: "FAILED", reason: describeError(err) };
  }
  if (outcome.state !== "FAILED") {
    await recordProcessing(ctx.db, event.event_id, { state: outcome.state, lastError: outcome.reason ?? null, countAttempt: true });
    ctx.logger.info({ ...log, ...outcome.detail }, outcome.state === "PROCESSED" ? "webhook event processed" : `webhook event unmatched: ${outcome.reason}`);
    return;
  }
  // Best effort: when the database is what failed, the job's own retry still happens.
  await recordProcessing(ctx.db, event.event_id, { state: "FAILED", lastError: outcome.reason, countAttempt: true }).catch(() => undefined);
  ctx.logger.warn(log, "webhook event processing failed; the job retries it");
  throw new WebhookProcessingFailed(outcome.reason);
}
