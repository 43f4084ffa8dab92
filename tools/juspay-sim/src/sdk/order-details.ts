import type { Fields } from "../http/body.js";
import { DEFAULT_CURRENCY, decimalsOf } from "../render/currencies.js";
import { parseAmount } from "../render/money.js";
import type { Order } from "../state/model.js";

// Checks on the signed strings inside SDK payloads, after the signature
// itself verified (reference §3.5–3.6). The timestamp window is UNCONFIRMED in
// Juspay's docs; the simulator uses 15 minutes, the validity Juspay states
// for its other signed tokens.

export const SIGNATURE_MAX_AGE_MS = 15 * 60 * 1000;
/** Clock skew tolerated for a timestamp from the future. */
export const SIGNATURE_MAX_SKEW_MS = 60 * 1000;

export interface SdkPayloadError {
  code: string;
  message: string;
}

export type OrderDetailsCheck =
  | {
      ok: true;
      orderId: string;
      /** The order's fields as /orders would receive them. */
      fields: Fields;
      /** Why an existing order with this id does not match, or undefined. */
      matches(order: Order): string | undefined;
    }
  | ({ ok: false } & SdkPayloadError);

const REQUIRED = ["order_id", "merchant_id", "amount", "timestamp", "customer_id"] as const;

export function checkOrderDetails(text: string, envelope: Record<string, unknown>, merchantId: string, now: number): OrderDetailsCheck {
  const details = parseObject(text);
  if (!details) return { ok: false, code: "JP_003", message: "orderDetails is not a JSON object" };
  const fields = toFields(details);
  const missing = REQUIRED.filter((k) => fields[k] === undefined);
  if (missing.length > 0) return { ok: false, code: "JP_003", message: `orderDetails is missing ${missing.join(", ")}` };
  if (fields.merchant_id !== merchantId) return { ok: false, code: "JP_001", message: "orderDetails.merchant_id does not match the merchant" };
  const stale = timestampProblem(fields.timestamp!, now);
  if (stale) return { ok: false, code: "JP_001", message: stale };
  const currency = fields.currency ?? DEFAULT_CURRENCY;
  if (decimalsOf(currency) === undefined) return { ok: false, code: "JP_003", message: "orderDetails.currency is not a currency Juspay's amounts can carry" };
  const amountMinor = toMinorUnits(fields.amount!, currency);
  if (amountMinor === undefined) return { ok: false, code: "JP_003", message: `orderDetails.amount must be a positive amount with at most the decimals of ${currency}` };
  // The envelope's convenience copies must say what was signed: a changed copy is tampering.
  if (envelope.orderId !== undefined && String(envelope.orderId) !== fields.order_id) {
    return { ok: false, code: "JP_001", message: "payload.orderId differs from the signed orderDetails" };
  }
  if (envelope.amount !== undefined && toMinorUnits(String(envelope.amount), currency) !== amountMinor) {
    return { ok: false, code: "JP_001", message: "payload.amount differs from the signed orderDetails" };
  }
  // The other copies of Juspay's sample envelope (customerMobile is the signed customer_phone).
  for (const [copy, signed] of [["customerId", "customer_id"], ["customerEmail", "customer_email"], ["customerMobile", "customer_phone"]] as const) {
    if (envelope[copy] !== undefined && String(envelope[copy]) !== (fields[signed] ?? "")) {
      return { ok: false, code: "JP_001", message: `payload.${copy} differs from the signed orderDetails` };
    }
  }
  return {
    ok: true,
    orderId: fields.order_id!,
    fields,
    matches(order) {
      if (order.amountMinor !== amountMinor || order.currency !== currency) return "orderDetails.amount differs from the existing order";
      if (order.customerId !== fields.customer_id) return "orderDetails.customer_id differs from the existing order";
      return undefined;
    },
  };
}

/** The initiate flavour: signaturePayload = {merchant_id, customer_id, timestamp}. */
export function checkSignaturePayload(text: string, merchantId: string, now: number): SdkPayloadError | undefined {
  const payload = parseObject(text);
  if (!payload) return { code: "JP_003", message: "signaturePayload is not a JSON object" };
  const fields = toFields(payload);
  if (fields.merchant_id !== merchantId) return { code: "JP_001", message: "signaturePayload.merchant_id does not match the merchant" };
  if (fields.timestamp === undefined) return { code: "JP_003", message: "signaturePayload is missing timestamp" };
  const stale = timestampProblem(fields.timestamp, now);
  return stale ? { code: "JP_001", message: stale } : undefined;
}

/**
 * Epoch milliseconds as documented; a 10-digit value is read as seconds, as
 * one of Juspay's Java samples sends (UNCONFIRMED whether Juspay accepts it).
 */
function timestampProblem(raw: string, now: number): string | undefined {
  if (!/^\d{10,13}$/.test(raw)) return "timestamp must be epoch milliseconds";
  const at = raw.length <= 10 ? Number(raw) * 1000 : Number(raw);
  if (now - at > SIGNATURE_MAX_AGE_MS) return "Signature has expired (stale timestamp)";
  if (at - now > SIGNATURE_MAX_SKEW_MS) return "timestamp is in the future";
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Flat string fields, as a form body would carry them. */
function toFields(object: Record<string, unknown>): Fields {
  const fields: Fields = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    fields[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return fields;
}

/** A positive amount in minor units of `currency`, or undefined. */
function toMinorUnits(amount: string, currency: string): number | undefined {
  const minor = parseAmount(amount, currency);
  return minor !== undefined && minor > 0 ? minor : undefined;
}
