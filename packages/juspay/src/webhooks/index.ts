// Juspay webhooks (reference §4): Basic-auth check and envelope parsing.
export { createBasicAuthVerifier, decodeBasicAuthorization, type BasicAuthCredentials, type BasicAuthVerifier } from "./basic-auth.js";
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
