import { decimalsOf } from "./currencies.js";

// Money: integer minor units of the order's currency inside (paise for INR,
// yen for JPY), Juspay's decimal major units outside, with the currency's
// decimals (render/currencies.ts). Conversions go through strings, never
// float arithmetic, so 100.15 INR stays exactly 10015 paise and back.

const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

function decimals(currency: string): 0 | 2 {
  const d = decimalsOf(currency);
  if (d === undefined) throw new Error(`no amounts in ${currency}`);
  return d;
}

/**
 * "100", "100.1", "100.15" INR → minor units; "500" or "500.00" JPY → 500.
 * Undefined for anything else: 3+ decimals, a fraction finer than the
 * currency's minor unit ("500.5" JPY), signs, exponents, an unknown currency.
 */
export function parseAmount(text: string | undefined, currency: string): number | undefined {
  const d = decimalsOf(currency);
  const match = AMOUNT.exec((text ?? "").trim());
  if (d === undefined || !match) return undefined;
  const fraction = (match[2] ?? "").padEnd(2, "0");
  if (!/^0*$/.test(fraction.slice(d))) return undefined;
  return Number(match[1]!) * 10 ** d + (d === 0 ? 0 : Number(fraction));
}

function split(minor: number, currency: string): { major: string; fraction: string } {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new Error(`bad minor amount ${minor}`);
  const d = decimals(currency);
  if (d === 0) return { major: String(minor), fraction: "" };
  const digits = String(minor).padStart(3, "0");
  return { major: String(Number(digits.slice(0, -2))), fraction: digits.slice(-2) };
}

/** "100.50" INR, "500" JPY: the currency's decimals, as merchants send amounts. */
export function toDecimalString(minor: number, currency: string): string {
  const { major, fraction } = split(minor, currency);
  return fraction === "" ? major : `${major}.${fraction}`;
}

/** The JSON number Juspay answers with: 1 for ₹1.00, 100.5 for ₹100.50, 500 for ¥500. */
export function toMajorUnits(minor: number, currency: string): number {
  return Number(toDecimalString(minor, currency));
}

/** Juspay's double-to-string in SDK payloads: "1.0", "100.5", "100.15" (and "500.0" for ¥500). */
export function toDoubleString(minor: number, currency: string): string {
  const { major, fraction } = split(minor, currency);
  const trimmed = fraction.replace(/0$/, "");
  return `${major}.${trimmed === "" ? "0" : trimmed}`;
}
