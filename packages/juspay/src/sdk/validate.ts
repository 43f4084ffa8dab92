import { randomUUID } from "node:crypto";
import { PLAIN_UDF, PLAIN_UDF_COUNT } from "../limits.js";
import { checkMinorAmount, currencyDecimals } from "./amount.js";
import { SdkPayloadError } from "./errors.js";
import { isWellFormedText } from "./sign.js";
import { MANDATE_FREQUENCIES, type SdkCommonInput, type SdkMandate, type SdkOrder } from "./types.js";

// Input checks for the payload builders: what Juspay documents (reference
// §1.4, §2.8, §3.5) plus what keeps a signed string unambiguous. Each failure
// is an SdkPayloadError naming the field; values are never echoed.

// C0 controls and DEL: a newline or NUL in a signed field invites ambiguity downstream.
const CONTROL = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

interface TextRule {
  max: number;
  /** Allow "" (guest customer id). */
  allowEmpty?: boolean;
  pattern?: RegExp;
  patternReason?: string;
}

export function checkText(field: string, value: unknown, rule: TextRule): string {
  if (typeof value !== "string") throw new SdkPayloadError(field, "must be a string");
  if (value === "" && !rule.allowEmpty) throw new SdkPayloadError(field, "must not be empty");
  // UTF-16 code units, as JavaScript (and Juspay's Node SDK types) count a string's length.
  if (value.length > rule.max) throw new SdkPayloadError(field, `must be at most ${rule.max} UTF-16 code units`);
  if (CONTROL.test(value)) throw new SdkPayloadError(field, "must not contain control characters");
  if (!isWellFormedText(value)) throw new SdkPayloadError(field, "must be well-formed Unicode");
  if (rule.pattern && value !== "" && !rule.pattern.test(value)) throw new SdkPayloadError(field, rule.patternReason ?? "has an invalid format");
  return value;
}

function optionalText(field: string, value: unknown, rule: TextRule): string | undefined {
  return value === undefined ? undefined : checkText(field, value, rule);
}

export interface CheckedCommon {
  merchantId: string;
  clientId: string;
  environment: "production" | "sandbox";
  requestId: string;
  nowMs: number;
}

const ID = { max: 128, pattern: /^[\x21-\x7e]+$/, patternReason: "must be printable ASCII without spaces" };

export function checkCommon(input: SdkCommonInput): CheckedCommon {
  const merchantId = checkText("merchantId", input.merchantId, ID);
  const clientId = checkText("clientId", input.clientId, ID);
  if (input.environment !== "production" && input.environment !== "sandbox") throw new SdkPayloadError("environment", 'must be "production" or "sandbox"');
  const requestId = input.requestId === undefined ? randomUUID() : checkText("requestId", input.requestId, ID);
  const now = input.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new SdkPayloadError("now", "must be a valid Date");
  return { merchantId, clientId, environment: input.environment, requestId, nowMs: now.getTime() };
}

export function checkCustomerId(field: string, value: unknown): string {
  return checkText(field, value, { max: 128, allowEmpty: true });
}

const ORDER_ID = /^[A-Za-z0-9]{1,20}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+?[0-9]{6,15}$/;
const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

export function checkOrder(order: SdkOrder): void {
  if (typeof order !== "object" || order === null) throw new SdkPayloadError("order", "is required");
  if (typeof order.orderId !== "string" || !ORDER_ID.test(order.orderId)) throw new SdkPayloadError("order.orderId", "must be 1-20 letters or digits");
  currencyDecimals(order.currency, "order.currency");
  checkMinorAmount(order.amountMinor, "order.amountMinor");
  checkCustomerId("order.customerId", order.customerId);
  optionalText("order.customerEmail", order.customerEmail, { max: 254, pattern: EMAIL, patternReason: "must be an email address" });
  optionalText("order.customerPhone", order.customerPhone, { max: 16, pattern: PHONE, patternReason: "must be 6-15 digits, optionally after +" });
  if (order.returnUrl !== undefined) checkReturnUrl(order.returnUrl);
  optionalText("order.description", order.description, { max: 255 });
  optionalText("order.firstName", order.firstName, { max: 255 });
  optionalText("order.lastName", order.lastName, { max: 255 });
  if (order.udfs !== undefined) {
    if (!Array.isArray(order.udfs) || order.udfs.length > 10) throw new SdkPayloadError("order.udfs", "must be an array of at most 10 strings");
    // udf1-udf5 (indexes 0-4) without special characters (limits.ts).
    const plain = { max: 255, allowEmpty: true, pattern: PLAIN_UDF, patternReason: "must not carry special characters (only A-Z a-z 0-9, space, . _ -); use udf6-udf10" };
    order.udfs.forEach((udf, i) => checkText(`order.udfs[${i}]`, udf, i < PLAIN_UDF_COUNT ? plain : { max: 255, allowEmpty: true }));
  }
  if (order.metadata !== undefined) {
    if (typeof order.metadata !== "object" || order.metadata === null) throw new SdkPayloadError("order.metadata", "must be an object of strings");
    for (const [key, value] of Object.entries(order.metadata)) {
      if (!METADATA_KEY.test(key)) throw new SdkPayloadError("order.metadata", "keys must be 1-64 of A-Z a-z 0-9 _ . : -");
      checkText(`order.metadata.${key}`, value, { max: 1024, allowEmpty: true });
    }
  }
}

// Only the shape: which origins are allowed is the caller's policy (reliability criterion 37).
function checkReturnUrl(value: unknown): void {
  const text = checkText("order.returnUrl", value, { max: 2048 });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SdkPayloadError("order.returnUrl", "must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new SdkPayloadError("order.returnUrl", "must be an http(s) URL");
}

/** Largest mandate rule_value per frequency (reference §2.8); absent = no rule_value allowed. */
export const MANDATE_RULE_VALUE_MAX: Readonly<Partial<Record<SdkMandate["frequency"], number>>> = {
  WEEKLY: 7,
  FORTNIGHTLY: 16,
  MONTHLY: 31,
  BIMONTHLY: 31,
  QUARTERLY: 31,
  HALFYEARLY: 31,
  YEARLY: 31,
};

function checkDate(field: string, value: unknown): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new SdkPayloadError(field, "must be a valid Date");
  if (value.getTime() < 0) throw new SdkPayloadError(field, "must be after 1970");
  return value.getTime();
}

export function checkMandate(mandate: SdkMandate, orderAmountMinor: number | bigint): void {
  if (typeof mandate !== "object" || mandate === null) throw new SdkPayloadError("mandate", "must be an object");
  if (mandate.createMandate !== "REQUIRED" && mandate.createMandate !== "OPTIONAL") throw new SdkPayloadError("mandate.createMandate", 'must be "REQUIRED" or "OPTIONAL"');
  const max = checkMinorAmount(mandate.maxAmountMinor, "mandate.maxAmountMinor");
  if (mandate.amountRule !== "FIXED" && mandate.amountRule !== "VARIABLE") throw new SdkPayloadError("mandate.amountRule", 'must be "FIXED" or "VARIABLE"');
  if (mandate.amountRule === "FIXED" && BigInt(orderAmountMinor) > max) {
    throw new SdkPayloadError("mandate.maxAmountMinor", "must be at least the order amount when amountRule is FIXED");
  }
  if (!MANDATE_FREQUENCIES.includes(mandate.frequency)) throw new SdkPayloadError("mandate.frequency", `must be one of ${MANDATE_FREQUENCIES.join(", ")}`);
  const ruleMax = MANDATE_RULE_VALUE_MAX[mandate.frequency];
  if (mandate.ruleValue !== undefined) {
    if (ruleMax === undefined) throw new SdkPayloadError("mandate.ruleValue", `must not be set for ${mandate.frequency}`);
    if (!Number.isInteger(mandate.ruleValue) || mandate.ruleValue < 1 || mandate.ruleValue > ruleMax) {
      throw new SdkPayloadError("mandate.ruleValue", `must be an integer 1-${ruleMax} for ${mandate.frequency}`);
    }
  }
  if (mandate.ruleType !== undefined) {
    if (!["ON", "BEFORE", "AFTER"].includes(mandate.ruleType)) throw new SdkPayloadError("mandate.ruleType", 'must be "ON", "BEFORE" or "AFTER"');
    // A rule type says how to read rule_value: alone it means nothing.
    if (mandate.ruleValue === undefined) throw new SdkPayloadError("mandate.ruleType", "requires mandate.ruleValue");
  }
  const start = checkDate("mandate.startDate", mandate.startDate);
  const end = checkDate("mandate.endDate", mandate.endDate);
  if (Math.floor(end / 1000) <= Math.floor(start / 1000)) throw new SdkPayloadError("mandate.endDate", "must be after mandate.startDate");
  for (const flag of ["revokableByCustomer", "blockFunds"] as const) {
    if (mandate[flag] !== undefined && typeof mandate[flag] !== "boolean") throw new SdkPayloadError(`mandate.${flag}`, "must be a boolean");
  }
}
