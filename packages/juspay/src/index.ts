// @payments/juspay: Juspay's server APIs (client, decoding, errors, retries,
// circuit breaker), SDK payload signing, webhook parsing and the JWE/JWS mode.

export { JuspayClient, createJuspayClient } from "./client.js";
export {
  DEFAULT_EXECUTION_STATUS_PATH,
  DEFAULT_JUSPAY_API_VERSION,
  JUSPAY_PRODUCTION_BASE_URL,
  JUSPAY_SANDBOX_BASE_URL,
  type JuspayClientConfig,
} from "./config.js";
export {
  JuspayAuthenticationError,
  JuspayAuthorizationError,
  JuspayConfigError,
  JuspayDecodeError,
  JuspayDuplicateError,
  JuspayError,
  JuspayInvalidRequestError,
  JuspayNetworkError,
  JuspayNotFoundError,
  JuspayRateLimitedError,
  JuspayTimeoutError,
  JuspayUpstreamUnavailableError,
  isJuspayError,
  type DecodeIssue,
  type JuspayErrorInfo,
  type JuspayErrorKind,
  type JuspayOutcome,
} from "./errors.js";
export type { CallOptions } from "./http/request-sender.js";
export { isEncryptedEnvelope } from "./http/request-sender.js";
export { DEFAULT_RETRY_SETTINGS, type RetryMode, type RetrySettings, type RetryBudgetSettings } from "./http/retry-policy.js";
export { CircuitBreakers, DEFAULT_BREAKER_SETTINGS, sharedCircuitBreakers, type BreakerSettings, type CircuitStateName } from "./http/circuit-breaker.js";
export { flattenForm, encodeForm, type FormInput, type FormValue } from "./http/form.js";
export type { JuspayLogger, JuspayLogLevel } from "./logger.js";
export { redactText } from "./redact.js";

// Decoding: typed views of Juspay's answers (usable on webhook content too).
export {
  decodeCustomer,
  decodeErrorBody,
  decodeMandate,
  decodeMandateList,
  decodeNotification,
  decodeOrder,
  decodeRefund,
  decodeSession,
  decodeTxn,
  decodeTxnAnswer,
} from "./decode/index.js";
export { MAX_MINOR_UNITS, formatMinorUnits, toMinorUnits, tryMinorUnits, type MinorUnitsResult } from "./decode/money.js";
export { JUSPAY_DEFAULT_CURRENCY, JUSPAY_MAX_DECIMALS, currencyExponent, wireDecimals, type WireDecimals } from "./money/currencies.js";
export { parseJuspayTime, toJuspayTime, toEpochSeconds, type JuspayTime } from "./decode/time.js";
export {
  MANDATE_AMOUNT_RULES,
  MANDATE_FREQUENCY_VALUES,
  MANDATE_STATUSES,
  MANDATE_TYPES,
  NOTIFICATION_STATUSES,
  ORDER_STATUSES,
  ORDER_STATUS_IDS,
  REFUND_STATUSES,
  UNKNOWN,
  isFinalMandateStatus,
  isFinalRefundStatus,
  paymentPhase,
  type KnownOrderStatus,
  type MandateAmountRule,
  type MandateFrequencyCode,
  type MandateStatus,
  type MandateType,
  type NotificationStatus,
  type OrderStatus,
  type PaymentPhase,
  type RefundStatus,
} from "./decode/statuses.js";
export type { JuspayClientAuthToken, JuspayPaymentLinks } from "./decode/schemas/common.js";
export type { JuspayCustomer } from "./decode/schemas/customer.js";
export type { JuspayErrorBody } from "./decode/schemas/error-body.js";
export type { JuspayMandateList } from "./decode/schemas/list.js";
export type { JuspayCancelRecurring, JuspayMandate } from "./decode/schemas/mandate.js";
export type { JuspayNotification } from "./decode/schemas/notification.js";
export { findRefund, type JuspayGatewayResponse, type JuspayOrder } from "./decode/schemas/order.js";
export type { JuspayRefund } from "./decode/schemas/refund.js";
export type { JuspaySession } from "./decode/schemas/session.js";
export type { JuspayTxn, JuspayTxnAnswer } from "./decode/schemas/txn.js";

// Request parameter types.
export type { CreateOrderParams, MandateRegistration, OrderStatusOptions, RefundOrderParams, UpdateOrderParams } from "./resources/orders.js";
export type { CreateRefundParams } from "./resources/refunds.js";
export type { CreateCustomerParams, GetCustomerOptions, UpdateCustomerParams } from "./resources/customers.js";
export type { CreateSessionParams } from "./resources/sessions.js";
export type { ListMandatesOptions, PauseMandateParams, PreDebitNotifyParams, ResumeMandateParams } from "./resources/mandates.js";
export type { NotificationStatusOptions } from "./resources/notifications.js";
export type { ExecuteMandateParams, ExecutionStatus } from "./resources/txns.js";
export type { ExtraFields } from "./resources/shared.js";

// ---------------------------------------------------------------------------
// SDK payload signing, webhook parsing and JWE/JWS (owned by their modules).
export * from "./sdk/index.js";
export * from "./webhooks/index.js";
export * from "./jwe/index.js";
