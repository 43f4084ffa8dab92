// What the service does with each Juspay webhook event_name (reference §4.3).
// Every event only hints that something changed: processing re-reads Juspay's
// order status and applies that (criterion 32), so acting on a name means
// "refresh this order", never "believe this body".

/** Events about an order, its payment attempts or its refunds: refresh the order. */
export const ORDER_EVENT_NAMES: ReadonlySet<string> = new Set([
  "ORDER_SUCCEEDED",
  "ORDER_FAILED",
  "ORDER_AUTHORIZED",
  "ORDER_REFUNDED",
  "ORDER_REFUND_FAILED",
  "REFUND_INITIATED",
  "REFUND_MANUAL_REVIEW_NEEDED",
  "TXN_CREATED",
  "TXN_CHARGED",
  "TXN_FAILED",
  "AUTO_REFUND_SUCCEEDED",
  "AUTO_REFUND_FAILED",
]);

/**
 * Mandate and pre-debit notification events. MandateService arrives with
 * issue 7; until then these are stored as IGNORED with MANDATE_DEFERRED_REASON
 * so that issue can find them (ListWebhookEvents by state and name) and
 * replay them.
 */
const MANDATE_PREFIXES = ["MANDATE_", "NOTIFICATION_"];

export const MANDATE_DEFERRED_REASON = "mandate and notification events are processed from issue 7 (MandateService) on; replay this event then";
export const NOT_ACTED_ON_REASON = "this service does not act on this event_name";

export type WebhookAction = { kind: "refresh_order" } | { kind: "ignore"; reason: string };

/**
 * What processing does for `eventName`. Not acted on, for example: ORDER_CREATED
 * (nothing to learn before a payment attempt), TOKEN_STATUS_*, CHARGEBACK_*
 * and names Juspay adds later: stored for audit as IGNORED.
 */
export function webhookAction(eventName: string): WebhookAction {
  if (ORDER_EVENT_NAMES.has(eventName)) return { kind: "refresh_order" };
  if (MANDATE_PREFIXES.some((prefix) => eventName.startsWith(prefix))) return { kind: "ignore", reason: MANDATE_DEFERRED_REASON };
  return { kind: "ignore", reason: NOT_ACTED_ON_REASON };
}
