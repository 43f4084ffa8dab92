import { formatMinorUnits, isValidMinorUnits } from "../decode/money.js";
import { JUSPAY_DEFAULT_CURRENCY, wireDecimals } from "../money/currencies.js";
import { toEpochSeconds } from "../decode/time.js";
import { JuspayInvalidRequestError } from "../errors.js";
import type { FormInput } from "../http/form.js";
import type { RequestSender } from "../http/request-sender.js";

// What every resource needs: the sender, a few config values, and local
// checks of request parameters (a bad value fails before anything is sent,
// with outcome "not_applied").

export interface ResourceContext {
  sender: RequestSender;
  merchantId: string;
  jwe: boolean;
  executionStatusPath: string;
}

/** Juspay ids used in paths and as idempotency handles: 1-64 of A-Z a-z 0-9 _ . - (order ids: ≤ 20, checked by Juspay). */
const ID = /^[A-Za-z0-9_.@+-]{1,64}$/;

export function invalid(operation: string, message: string): JuspayInvalidRequestError {
  return new JuspayInvalidRequestError({ operation, message: `Juspay ${operation}: ${message}` });
}

export function checkId(operation: string, name: string, value: unknown, maxLength = 64): string {
  if (typeof value !== "string" || !ID.test(value) || value.length > maxLength) {
    throw invalid(operation, `${name} must be 1-${maxLength} characters of A-Z a-z 0-9 _ . - @ +`);
  }
  return value;
}

export function checkText(operation: string, name: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > 1024) throw invalid(operation, `${name} must be a non-empty string`);
  return value;
}

/** A currency Juspay's amounts can carry (money/currencies.ts); absent = Juspay's default INR. */
export function currencyField(operation: string, name: string, currency: unknown): string {
  if (currency === undefined) return JUSPAY_DEFAULT_CURRENCY;
  const decimals = wireDecimals(currency);
  if (!decimals.ok) throw invalid(operation, `${name} ${decimals.reason}`);
  return currency as string;
}

/** Minor units of `currency` → Juspay's decimal text with that currency's decimals; the amount must be a positive safe integer. */
export function amountField(operation: string, name: string, minor: unknown, currency: string): string {
  if (!isValidMinorUnits(minor)) throw invalid(operation, `${name} must be a positive integer number of minor units`);
  return formatMinorUnits(minor, currency);
}

export function epochField(operation: string, name: string, date: unknown): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()) || date.getTime() < 0) throw invalid(operation, `${name} must be a valid Date`);
  return toEpochSeconds(date);
}

/**
 * A value as one URL path segment: percent-encoded (so "/", "?", "#" and "%"
 * stay inside it), and never empty, "." or "..": URL parsers resolve dot
 * segments (also written %2E), so `/customers/../mandates` would be sent as
 * `/mandates`. Such a value fails here, before anything is sent.
 */
export function seg(operation: string, name: string, value: string): string {
  if (value === "" || value === "." || value === "..") throw invalid(operation, `${name} cannot be used as a URL path segment`);
  return encodeURIComponent(value);
}

/** Extra request fields a caller may add (udfs, metadata.*, addresses); flat dotted keys or nested objects. */
export type ExtraFields = FormInput;
