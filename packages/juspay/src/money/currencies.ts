// The one currency table of this package: ISO 4217 alphabetic codes and their
// minor-unit exponents (ISO 4217 "List One", maintained by SIX:
// https://www.six-group.com/en/products-services/financial-information/data-standards.html).
// Codes without a minor unit ("N.A.": XAU, XDR, XXX, ...) are left out: no
// payment is made in them. Every amount this package sends or parses goes
// through `wireDecimals`, so the same order is never written two ways.

/** Exponent 0: no minor unit (1 JPY is the smallest amount). */
const EXPONENT_0 = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
/** Exponent 3: fils, baisa, millimes. */
const EXPONENT_3 = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
/** Exponent 4: units of account. */
const EXPONENT_4 = ["CLF", "UYW"];
/** Exponent 2: every other active code. */
const EXPONENT_2 = [
  "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD",
  "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP",
  "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR",
  "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
  "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR",
  "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS",
  "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN", "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
];

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...EXPONENT_0.map((c) => [c, 0] as const),
  ...EXPONENT_2.map((c) => [c, 2] as const),
  ...EXPONENT_3.map((c) => [c, 3] as const),
  ...EXPONENT_4.map((c) => [c, 4] as const),
]);

/**
 * Juspay's amounts have "upto two decimal places" (reference §1.4): a
 * currency whose minor unit is finer cannot be sent exactly.
 */
export const JUSPAY_MAX_DECIMALS = 2;

/** Juspay's default when a request or an answer names no currency (reference §1.4). */
export const JUSPAY_DEFAULT_CURRENCY = "INR";

/** The ISO 4217 exponent of a code, or undefined for an unknown code. */
export function currencyExponent(code: string): number | undefined {
  return EXPONENTS.get(code);
}

export type WireDecimals = { ok: true; decimals: 0 | 2 } | { ok: false; reason: string };

/** How many decimals an amount in `currency` has on Juspay's wire: its exponent, if Juspay can carry it. */
export function wireDecimals(currency: unknown): WireDecimals {
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) return { ok: false, reason: "must be an ISO 4217 code (3 upper-case letters)" };
  const exponent = EXPONENTS.get(currency);
  if (exponent === undefined) return { ok: false, reason: "is not an ISO 4217 currency with a minor unit" };
  if (exponent > JUSPAY_MAX_DECIMALS) return { ok: false, reason: `has ${exponent} decimals; Juspay's amounts carry at most ${JUSPAY_MAX_DECIMALS}` };
  return { ok: true, decimals: exponent as 0 | 2 };
}
