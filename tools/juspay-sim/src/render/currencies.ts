// The simulator's own currency table (it shares no code with @payments/juspay):
// ISO 4217 minor-unit exponents, from the ISO 4217 list maintained by SIX
// (https://www.six-group.com/en/products-services/financial-information/data-standards.html).
// Juspay's amounts take "upto two decimal places" (reference §1.4), so a
// currency with a finer minor unit (BHD, KWD, ...) cannot be expressed and is
// refused like an unknown code (the simulator's reading; README "Fidelity").

/** No minor unit. */
const ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
/** Three or four decimals: more than Juspay's amounts carry. */
const FINER = "BHD IQD JOD KWD LYD OMR TND CLF UYW";
/** Two decimals. */
const TWO =
  "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP " +
  "CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK " +
  "LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD " +
  "RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG " +
  "YER ZAR ZMW ZWG";

const DECIMALS = new Map<string, 0 | 2>([...ZERO.split(" ").map((c) => [c, 0] as const), ...TWO.split(" ").map((c) => [c, 2] as const)]);
const TOO_FINE = new Set(FINER.split(" "));

/** Juspay's default currency when a request names none. */
export const DEFAULT_CURRENCY = "INR";

/** Decimals of `currency` in Juspay's amounts (0 or 2); undefined for a code Juspay's amounts cannot carry. */
export function decimalsOf(currency: string): 0 | 2 | undefined {
  return TOO_FINE.has(currency) ? undefined : DECIMALS.get(currency);
}
