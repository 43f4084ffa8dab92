import { wireDecimals } from "../money/currencies.js";

// Money on Juspay's wire: the major unit of the order's currency as decimal
// text with the currency's decimals (ISO 4217 exponent; Juspay carries at most
// two): "100.15" INR, "100" JPY. Sent as strings, answered as JSON numbers
// (1, 100.5) or strings ("1476", "1.0") depending on the API (reference
// §1.4). Inside this package every amount is an integer count of minor units
// of its currency (paise for INR, yen for JPY). Conversions parse decimal
// TEXT, never do float arithmetic: a JSON number goes through its shortest
// round-trip string (`String(n)`), which is exactly the text Juspay wrote for
// any amount with at most two decimals.

/** Largest amount accepted, in minor units: anything above is not a real payment and would lose integer precision. */
export const MAX_MINOR_UNITS = Number.MAX_SAFE_INTEGER;

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

export type MinorUnitsResult = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Juspay's amount in `currency` → minor units: "100.15" INR → 10015, 100.5
 * INR → 10050, "1476" INR → 147600, "1.0" INR → 100, "500" JPY → 500, "500.0"
 * JPY → 500. Rejects an unknown currency (or one Juspay cannot carry), more
 * than two decimals, a fraction finer than the currency's minor unit ("500.5"
 * JPY), signs, exponents, NaN/Infinity, whitespace, empty text and values
 * beyond MAX_MINOR_UNITS.
 */
export function tryMinorUnits(value: unknown, currency: string): MinorUnitsResult {
  const decimals = wireDecimals(currency);
  if (!decimals.ok) return { ok: false, reason: `currency ${decimals.reason}` };
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, reason: "amount is not a finite number" };
    if (value < 0) return { ok: false, reason: "amount is negative" };
    // Shortest round-trip form: 100.15 → "100.15", 0.1 + 0.2 → "0.30000000000000004" (rejected), 1e21 → "1e+21" (rejected).
    text = String(value);
  } else if (typeof value === "string") {
    text = value;
  } else {
    return { ok: false, reason: "amount must be a number or a decimal string" };
  }
  if (text.startsWith("-")) return { ok: false, reason: "amount is negative" };
  const match = DECIMAL.exec(text);
  if (!match) {
    return { ok: false, reason: /^\d+\.\d{3,}$/.test(text) ? "amount has more than 2 decimals" : "amount is not a plain decimal number" };
  }
  const units = match[1]!.replace(/^0+(?=\d)/, "");
  const fraction = (match[2] ?? "").padEnd(2, "0");
  // Digits below the currency's minor unit must be zeros ("500.0" JPY is 500 yen, "500.5" is not an amount).
  if (!/^0*$/.test(fraction.slice(decimals.decimals))) return { ok: false, reason: `amount has more decimals than ${currency} has (${decimals.decimals})` };
  // Exact: digit strings, concatenated, then one conversion of an integer.
  const minor = Number(`${units}${fraction.slice(0, decimals.decimals)}`);
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR_UNITS) return { ok: false, reason: "amount is too large" };
  return { ok: true, value: minor };
}

/** tryMinorUnits, throwing a RangeError (without the value) when the amount is not exact. */
export function toMinorUnits(value: number | string, currency: string): number {
  const result = tryMinorUnits(value, currency);
  if (!result.ok) throw new RangeError(result.reason);
  return result.value;
}

/** Minor units → what Juspay's request bodies take: 10015 INR → "100.15", 100 INR → "1.00", 500 JPY → "500". */
export function formatMinorUnits(minor: number | bigint, currency: string): string {
  const decimals = wireDecimals(currency);
  if (!decimals.ok) throw new RangeError(`currency ${decimals.reason}`);
  const valid = typeof minor === "bigint" ? minor >= 0n : Number.isSafeInteger(minor) && minor >= 0;
  if (!valid) throw new RangeError("amount in minor units must be a non-negative safe integer");
  const digits = minor.toString();
  if (decimals.decimals === 0) return digits;
  const padded = digits.padStart(decimals.decimals + 1, "0");
  return `${padded.slice(0, -decimals.decimals)}.${padded.slice(-decimals.decimals)}`;
}

/** True for an integer count of minor units that a request may carry (> 0 unless zero is allowed). */
export function isValidMinorUnits(minor: unknown, allowZero = false): minor is number {
  return typeof minor === "number" && Number.isSafeInteger(minor) && (allowZero ? minor >= 0 : minor > 0);
}
