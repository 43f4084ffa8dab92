import { formatMinorUnits } from "../decode/money.js";
import { wireDecimals } from "../money/currencies.js";
import { SdkPayloadError } from "./errors.js";

// Amounts in SDK payloads: the package's one currency table and formatter
// (money/currencies.ts, decode/money.ts), with errors that name the field.
// 10050 INR -> "100.50", 5 INR -> "0.05", 500 JPY -> "500".

/** Checks a currency code and returns its number of decimals on Juspay's wire (0 or 2). */
export function currencyDecimals(currency: unknown, field = "currency"): 0 | 2 {
  const decimals = wireDecimals(currency);
  if (!decimals.ok) throw new SdkPayloadError(field, decimals.reason);
  return decimals.decimals;
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
  currencyDecimals(currency);
  return formatMinorUnits(minor, currency);
}
