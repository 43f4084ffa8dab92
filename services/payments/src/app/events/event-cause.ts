import { AsyncLocalStorage } from "node:async_hooks";

// Which stored webhook the current work is processing, so a payment event
// appended deep inside an apply function can name it (PaymentEvent
// webhook_event_id) without every use case passing it along. Empty outside
// webhook processing: sync jobs and RPCs cause events too.

const cause = new AsyncLocalStorage<string>();

/** Runs `work` as the processing of webhook event `webhookEventId`. */
export function processingWebhook<T>(webhookEventId: string, work: () => Promise<T>): Promise<T> {
  return cause.run(webhookEventId, work);
}

/** The webhook event being processed, or null. */
export function currentWebhookEventId(): string | null {
  return cause.getStore() ?? null;
}
