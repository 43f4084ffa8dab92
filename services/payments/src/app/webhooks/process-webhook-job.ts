import { findWebhookEvent, recordProcessing, type WebhookEventRow } from "../../db/webhook-events-repository.js";
import { webhookAction } from "../../domain/webhook-event-kinds.js";
import type { WebhookProcessPayload } from "../../jobs/kinds.js";
import { describeError, type JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { refreshOrder } from "../orders/refresh-order.js";

// Processing of one stored webhook (job `webhook.process`). The webhook is a
// hint (Basic auth is weak and bodies can be stale or replayed): an order
// event makes us read Juspay's order status and apply that under the order
// row lock, with every transition and integrity rule (refreshOrder), so a
// body claiming CHARGED changes nothing Juspay does not confirm, for the
// amount we hold (criterion 32), CHARGED never regresses and replays are
// harmless (criterion 30).
//
// Dedup state and processing state are separate (a failed first processing is
// retried): a failed attempt marks the event FAILED with its error and throws,
// so the job queue retries it with backoff; after the queue's last attempt it
// stays FAILED until ReplayWebhookEvent. An event for an order we have no row
// for is UNMATCHED, kept, and re-processed by the sweep once the row exists
// (criterion 29).

export const UNMATCHED_NO_ORDER_ID = "the event names no order";
export const UNMATCHED_NO_ROW = "no order row for this order id (yet): the sweep applies it when the order appears";

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
  const log = { webhookEventId: event.event_id, eventName: event.event_name, orderId: event.order_id };
  const action = webhookAction(event.event_name);
  if (action.kind === "ignore") {
    await recordProcessing(ctx.db, event.event_id, { state: "IGNORED", lastError: action.reason, countAttempt: true });
    ctx.logger.info(log, "webhook event ignored");
    return;
  }
  if (event.order_id === null) {
    await recordProcessing(ctx.db, event.event_id, { state: "UNMATCHED", lastError: UNMATCHED_NO_ORDER_ID, countAttempt: true });
    ctx.logger.warn(log, "webhook event unmatched: it names no order");
    return;
  }

  let failure: string;
  try {
    const refreshed = await refreshOrder(ctx, event.order_id, { signal });
    if (refreshed.stale === null) {
      await recordProcessing(ctx.db, event.event_id, { state: "PROCESSED", lastError: null, countAttempt: true });
      ctx.logger.info({ ...log, orderStatus: refreshed.order.status }, "webhook event processed");
      return;
    }
    failure = `order status could not be read from Juspay (${refreshed.stale})`;
  } catch (err) {
    if (err instanceof AppError && err.kind === "not_found") {
      await recordProcessing(ctx.db, event.event_id, { state: "UNMATCHED", lastError: UNMATCHED_NO_ROW, countAttempt: true });
      ctx.logger.info(log, "webhook event unmatched: no order row yet");
      return;
    }
    failure = describeError(err);
  }
  // Best effort: when the database is what failed, the job's own retry still happens.
  await recordProcessing(ctx.db, event.event_id, { state: "FAILED", lastError: failure, countAttempt: true }).catch(() => undefined);
  ctx.logger.warn(log, "webhook event processing failed; the job retries it");
  throw new WebhookProcessingFailed(failure);
}
