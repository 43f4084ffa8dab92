// Money on Juspay's wire: decimal rupees (or the major unit of a 2-decimal
// currency) with at most two decimals, sent as strings ("100", "100.15") and
// answered as JSON numbers (1, 100.5) or strings ("1476", "1.0") depending on
// the API (reference §1.4). Inside this package every amount is an integer
// count of minor units (paise). Conversions parse decimal TEXT, never do float
// arithmetic: a JSON number goes through its shortest round-trip string
// (`String(n)`), which is exactly the text Juspay wrote for any amount with at
// most two decimals.

/** Largest amount accepted, in minor units: anything above is not a real payment and would lose integer precision. */
export const MAX_MINOR_UNITS = Number.MAX_SAFE_INTEGER;

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

export type MinorUnitsResult = { ok: true; value: number } | { ok: false; reason: string };

/**
 * "100.15" → 10015, 100.5 → 10050, "1476" → 147600, "1.0" → 100.
 * Rejects more than two decimals, signs, exponents, NaN/Infinity, whitespace,
 * empty text and values beyond MAX_MINOR_UNITS.
 */
export function tryMinorUnits(value: unknown): MinorUnitsResult {
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
  // Exact: digit strings, concatenated, then one conversion of an integer.
  const minor = Number(`${units}${fraction}`);
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR_UNITS) return { ok: false, reason: "amount is too large" };
  return { ok: true, value: minor };
}

/** tryMinorUnits, throwing a RangeError (without the value) when the amount is not exact. */
export function toMinorUnits(value: number | string): number {
  const result = tryMinorUnits(value);
  if (!result.ok) throw new RangeError(result.reason);
  return result.value;
}

/** 10015 → "100.15", 100 → "1.00", 0 → "0.00": what Juspay's request bodies take. */
export function formatMinorUnits(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError("amount in minor units must be a non-negative safe integer");
  const digits = String(minor).padStart(3, "0");
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** True for an integer count of minor units that a request may carry (> 0 unless zero is allowed). */
export function isValidMinorUnits(minor: unknown, allowZero = false): minor is number {
  return typeof minor === "number" && Number.isSafeInteger(minor) && (allowZero ? minor >= 0 : minor > 0);
}
