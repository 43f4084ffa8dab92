// Every Juspay enum this package reads, and what each status means, in one
// place (reference §2.3, §2.8, appendix). A value Juspay adds later decodes to
// "UNKNOWN" with the raw text kept beside it (`statusRaw`), never to a guess.

export const UNKNOWN = "UNKNOWN" as const;
export type Unknown = typeof UNKNOWN;

/** Order / transaction statuses with their documented status_id. */
export const ORDER_STATUS_IDS = {
  CREATED: 1,
  NEW: 10,
  STARTED: 20,
  CHARGED: 21,
  JUSPAY_DECLINED: 22,
  PENDING_VBV: 23,
  VBV_SUCCESSFUL: 24,
  AUTHORIZED: 25,
  AUTHENTICATION_FAILED: 26,
  AUTHORIZATION_FAILED: 27,
  AUTHORIZING: 28,
  COD_INITIATED: 29,
  VOIDED: 31,
  VOID_INITIATED: 32,
  CAPTURE_INITIATED: 33,
  CAPTURE_FAILED: 34,
  VOID_FAILED: 35,
  AUTO_REFUNDED: 36,
  NOT_FOUND: 40,
} as const;

export type KnownOrderStatus = keyof typeof ORDER_STATUS_IDS;
export type OrderStatus = KnownOrderStatus | Unknown;
export const ORDER_STATUSES = Object.keys(ORDER_STATUS_IDS) as KnownOrderStatus[];

export const REFUND_STATUSES = ["PENDING", "SUCCESS", "FAILURE", "MANUAL_REVIEW"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number] | Unknown;

export const MANDATE_STATUSES = ["CREATED", "ACTIVE", "PAUSED", "REVOKED", "FAILURE", "EXPIRED"] as const;
export type MandateStatus = (typeof MANDATE_STATUSES)[number] | Unknown;

export const NOTIFICATION_STATUSES = ["CREATED", "PENDING", "SUCCESS", "FAILURE"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number] | Unknown;

export const MANDATE_FREQUENCY_VALUES = [
  "ONETIME",
  "DAILY",
  "WEEKLY",
  "FORTNIGHTLY",
  "MONTHLY",
  "BIMONTHLY",
  "QUARTERLY",
  "HALFYEARLY",
  "YEARLY",
  "ASPRESENTED",
] as const;
export type MandateFrequencyCode = (typeof MANDATE_FREQUENCY_VALUES)[number] | Unknown;

export const MANDATE_AMOUNT_RULES = ["FIXED", "VARIABLE"] as const;
export type MandateAmountRule = (typeof MANDATE_AMOUNT_RULES)[number] | Unknown;

export const MANDATE_TYPES = ["MANDATE", "EMANDATE"] as const;
export type MandateType = (typeof MANDATE_TYPES)[number] | Unknown;

/** An enum value as decoded: the typed value (or UNKNOWN) and the text Juspay sent ("" when absent). */
export interface DecodedEnum<T extends string> {
  value: T | Unknown;
  raw: string;
}

/** Exact match only: "charged" is not silently read as CHARGED. */
export function decodeEnum<T extends string>(values: readonly T[], raw: unknown): DecodedEnum<T> {
  const text = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  return { value: (values as readonly string[]).includes(text) ? (text as T) : UNKNOWN, raw: text };
}

/**
 * What an order/txn status means for the merchant, read from Juspay's
 * actionables (reference §2.3). A failed attempt does not end the order: the
 * customer may retry on the same order id.
 */
export type PaymentPhase =
  | "not_started" // NEW, CREATED
  | "pending" // poll or wait for the webhook
  | "succeeded" // CHARGED, COD_INITIATED: verify the amount before fulfilling
  | "attempt_failed" // this attempt failed; the order can still be paid
  | "authorized" // pre-auth: capture or void
  | "voided"
  | "auto_refunded" // paid, then refunded by Juspay: do not fulfil
  | "not_found"
  | "unknown";

const PHASES: Record<KnownOrderStatus, PaymentPhase> = {
  CREATED: "not_started",
  NEW: "not_started",
  STARTED: "pending",
  PENDING_VBV: "pending",
  VBV_SUCCESSFUL: "pending",
  AUTHORIZING: "pending",
  VOID_INITIATED: "pending",
  CAPTURE_INITIATED: "pending",
  CHARGED: "succeeded",
  COD_INITIATED: "succeeded",
  JUSPAY_DECLINED: "attempt_failed",
  AUTHENTICATION_FAILED: "attempt_failed",
  AUTHORIZATION_FAILED: "attempt_failed",
  CAPTURE_FAILED: "attempt_failed",
  AUTHORIZED: "authorized",
  VOID_FAILED: "authorized",
  VOIDED: "voided",
  AUTO_REFUNDED: "auto_refunded",
  NOT_FOUND: "not_found",
};

export function paymentPhase(status: OrderStatus): PaymentPhase {
  return status === UNKNOWN ? "unknown" : PHASES[status];
}

/** True once a refund can no longer change by itself (MANUAL_REVIEW needs a human, so it is not final). */
export function isFinalRefundStatus(status: RefundStatus): boolean {
  return status === "SUCCESS" || status === "FAILURE";
}

/** True for mandate states no command can leave. */
export function isFinalMandateStatus(status: MandateStatus): boolean {
  return status === "REVOKED" || status === "FAILURE" || status === "EXPIRED";
}
