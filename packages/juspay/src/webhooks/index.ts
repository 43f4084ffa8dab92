// Juspay webhooks (reference §4): envelope parsing. Their Basic auth is
// checked by the webhook bridge (services/webhook-bridge/src/basic-auth.ts),
// the one implementation that runs.
export {
  parseWebhookDate,
  parseWebhookEnvelope,
  type ParseWebhookOptions,
  type WebhookContentKind,
  type WebhookEnvelope,
  type WebhookParseError,
  type WebhookParseErrorCode,
  type WebhookParseResult,
  type WebhookRefundRef,
} from "./envelope.js";
