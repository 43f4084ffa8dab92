import { SdkPayloadError } from "./errors.js";

// Minor units to Juspay's decimal amount string with string arithmetic only:
// 10050 INR -> "100.50", 5 -> "0.05". No float ever touches an amount.

// ISO 4217 currencies without minor units.
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]);
// Three decimals cannot be expressed: Juspay accepts at most two (reference §1.4).
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

/** Checks a currency code and returns its number of decimals (0 or 2). */
export function currencyDecimals(currency: unknown, field = "currency"): 0 | 2 {
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) throw new SdkPayloadError(field, "must be an ISO 4217 code (3 upper-case letters)");
  if (THREE_DECIMAL.has(currency)) throw new SdkPayloadError(field, "three-decimal currencies are not supported (Juspay allows at most 2 decimals)");
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

/** Checks an amount in minor units: a positive safe integer or bigint. */
export function checkMinorAmount(amountMinor: unknown, field: string): bigint {
  if (typeof amountMinor === "bigint") {
    if (amountMinor > 0n) return amountMinor;
  } else if (typeof amountMinor === "number" && Number.isSafeInteger(amountMinor)) {
    if (amountMinor > 0) return BigInt(amountMinor);
  } else {
    throw new SdkPayloadError(field, "must be an integer number of minor units");
  }
  throw new SdkPayloadError(field, "must be greater than 0");
}

/** The decimal string Juspay expects, with exactly the currency's decimals. */
export function formatMinorAmount(amountMinor: number | bigint, currency: string, field = "amountMinor"): string {
  const minor = checkMinorAmount(amountMinor, field);
  const decimals = currencyDecimals(currency);
  const digits = minor.toString();
  if (decimals === 0) return digits;
  const padded = digits.padStart(decimals + 1, "0");
  return `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}
