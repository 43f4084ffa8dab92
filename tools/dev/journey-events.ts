import type { PaymentsClient } from "@payments/client";
import { PaymentEventType, type PaymentEvent } from "@payments/proto/payments/v1/events_pb";
import { WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import type { WebhookEvent } from "@payments/proto/payments/v1/webhook_service_pb";

// The journey's view of webhooks and of the payment events stream: a
// StreamPaymentEvents consumer running in the background for the whole
// journey, and polling ListWebhookEvents until Juspay's webhook for the order
// has been stored and processed. Both only read.

export interface EventConsumer {
  /** Resolves with the first event of `type` for `orderId`; rejects after timeoutMs (or if the stream ended). */
  waitFor(type: PaymentEventType, orderId: string, timeoutMs: number): Promise<PaymentEvent>;
  close(): void;
}

/** Opens StreamPaymentEvents from now: only events recorded after it started, collected until close(). */
export function openEventConsumer(payments: PaymentsClient): EventConsumer {
  const abort = new AbortController();
  const seen: PaymentEvent[] = [];
  let ended: Error | undefined;
  let wake: () => void = () => undefined;
  void (async () => {
    try {
      // A long deadline: the stream lives as long as the journey; close() ends it.
      for await (const msg of payments.webhook.streamPaymentEvents({ start: { case: "fromNow", value: true } }, { signal: abort.signal, timeoutMs: 10 * 60_000 })) {
        if (msg.message.case === "event") seen.push(msg.message.value);
        wake();
      }
      ended = new Error("the stream ended");
    } catch (err) {
      ended = abort.signal.aborted ? new Error("closed") : err instanceof Error ? err : new Error(String(err));
    }
    wake();
  })();

  return {
    async waitFor(type, orderId, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find((e) => e.type === type && e.orderId === orderId);
        if (found !== undefined) return found;
        if (ended !== undefined) throw new Error(`StreamPaymentEvents failed before ${PaymentEventType[type]} arrived: ${ended.message}`);
        if (Date.now() > until) throw new Error(`no ${PaymentEventType[type]} for order ${orderId} on StreamPaymentEvents within ${timeoutMs / 1000} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    close() {
      abort.abort();
    },
  };
}

/**
 * Polls ListWebhookEvents until an `eventName` webhook for the order is PROCESSED.
 * Returns it, or the last one seen (not processed yet) / undefined after timeoutMs.
 */
export async function waitForWebhook(payments: PaymentsClient, orderId: string, eventName: string, timeoutMs: number): Promise<{ processed?: WebhookEvent; last?: WebhookEvent }> {
  const until = Date.now() + timeoutMs;
  let last: WebhookEvent | undefined;
  for (;;) {
    const page = await payments.webhook.listWebhookEvents({ orderId, eventName });
    const processed = page.events.find((e) => e.state === WebhookEventState.PROCESSED);
    if (processed !== undefined) return { processed };
    last = page.events[0] ?? last;
    if (Date.now() > until) return { last };
    await new Promise((r) => setTimeout(r, 250));
  }
}
