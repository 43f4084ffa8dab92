// What the service does with each Juspay webhook event_name (reference §4.3).
// Every event only hints that something changed: processing re-reads Juspay's
// status of the order, mandate or notification and applies that (criterion
// 32), so acting on a name means "refresh this", never "believe this body".

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
 * Mandate and pre-debit notification events (MANDATE_CREATED, _ACTIVATED,
 * _PAUSED, _REVOKED, _FAILED, _EXPIRED, NOTIFICATION_SUCCEEDED, _FAILED, and
 * names Juspay may add under these prefixes): re-read the mandate
 * (check_status) or the notification and apply that (ADR 0013).
 */
const MANDATE_PREFIX = "MANDATE_";
const NOTIFICATION_PREFIX = "NOTIFICATION_";

export const NOT_ACTED_ON_REASON = "this service does not act on this event_name";

export type WebhookAction = { kind: "refresh_order" } | { kind: "refresh_mandate" } | { kind: "refresh_notification" } | { kind: "ignore"; reason: string };

/**
 * What processing does for `eventName`. Not acted on, for example: ORDER_CREATED
 * (nothing to learn before a payment attempt), TOKEN_STATUS_*, CHARGEBACK_*
 * and names Juspay adds later: stored for audit as IGNORED.
 */
export function webhookAction(eventName: string): WebhookAction {
  if (ORDER_EVENT_NAMES.has(eventName)) return { kind: "refresh_order" };
  if (eventName.startsWith(MANDATE_PREFIX)) return { kind: "refresh_mandate" };
  if (eventName.startsWith(NOTIFICATION_PREFIX)) return { kind: "refresh_notification" };
  return { kind: "ignore", reason: NOT_ACTED_ON_REASON };
}
