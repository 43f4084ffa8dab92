// Money: integer minor units (paise) inside, Juspay's decimal rupees outside.
// Conversions go through strings, never float arithmetic, so 100.15 stays
// exactly 10015 paise and back.

const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** "100", "100.1", "100.15" → minor units; undefined for anything else (3+ decimals, signs, exponents). */
export function parseAmount(text: string | undefined): number | undefined {
  const match = AMOUNT.exec((text ?? "").trim());
  if (!match) return undefined;
  const rupees = match[1]!;
  const paise = (match[2] ?? "").padEnd(2, "0");
  return Number(rupees) * 100 + Number(paise);
}

function split(minor: number): { rupees: string; paise: string } {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new Error(`bad minor amount ${minor}`);
  const digits = String(minor).padStart(3, "0");
  return { rupees: String(Number(digits.slice(0, -2))), paise: digits.slice(-2) };
}

/** "100.50": two decimals, as merchants send amounts. */
export function toDecimalString(minor: number): string {
  const { rupees, paise } = split(minor);
  return `${rupees}.${paise}`;
}

/** The JSON number Juspay answers with: 1 for ₹1.00, 100.5 for ₹100.50. */
export function toRupees(minor: number): number {
  return Number(toDecimalString(minor));
}

/** Juspay's double-to-string in SDK payloads: "1.0", "100.5", "100.15". */
export function toDoubleString(minor: number): string {
  const { rupees, paise } = split(minor);
  const trimmed = paise.replace(/0$/, "");
  return `${rupees}.${trimmed === "" ? "0" : trimmed}`;
}
