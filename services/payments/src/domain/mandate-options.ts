import { MANDATE_RULE_VALUE_MAX, type MandateFrequency, type SdkMandate } from "@payments/juspay";
import type { Amount } from "./money.js";

// Mandate registration options of a payment (reference §2.8, proto
// MandateOptions). Checked against Juspay's rules before anything is written,
// stored on the order as given (so a later payload for the same order can be
// compared and rebuilt), and resolved to concrete terms (start = now,
// end = start + 30 years) each time a payload is built.

export type MandateRuleType = "ON" | "BEFORE" | "AFTER";

export interface MandateOptions {
  createMandate: "REQUIRED" | "OPTIONAL";
  maxAmount: Amount;
  amountRule: "FIXED" | "VARIABLE";
  frequency: MandateFrequency;
  ruleType?: MandateRuleType;
  ruleValue?: number;
  startTime?: Date;
  endTime?: Date;
  revokableByCustomer?: boolean;
  blockFunds?: boolean;
}

export interface MandateViolation {
  /** Proto field path, e.g. "mandate.rule_value". */
  field: string;
  description: string;
}


const IST_OFFSET_MS = 5.5 * 3_600_000;
const istDay = (ms: number): number => Math.floor((ms + IST_OFFSET_MS) / 86_400_000);
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Every rule the options break (empty when valid), for an order of `order` amount at time `now`. */
export function mandateViolations(m: MandateOptions, order: Amount, now: Date): MandateViolation[] {
  const out: MandateViolation[] = [];
  const add = (field: string, description: string) => out.push({ field: `mandate.${field}`, description });
  if (m.maxAmount.currency !== order.currency) add("max_amount.currency", "must be the order's currency");
  // The contract (MandateOptions) asks this for both amount rules; Juspay itself insists on it for FIXED.
  else if (m.maxAmount.minor < order.minor) add("max_amount", `must not be below the order amount${m.amountRule === "FIXED" ? " (amount_rule FIXED)" : ""}`);
  const ruleMax = MANDATE_RULE_VALUE_MAX[m.frequency];
  if (ruleMax === undefined) {
    if (m.ruleType !== undefined) add("rule_type", `must be unset for frequency ${m.frequency}`);
    if (m.ruleValue !== undefined) add("rule_value", `must be unset for frequency ${m.frequency}`);
  } else {
    if (m.ruleType === undefined) add("rule_type", `is required for frequency ${m.frequency}`);
    if (m.ruleValue === undefined) add("rule_value", `is required for frequency ${m.frequency}`);
    else if (!Number.isInteger(m.ruleValue) || m.ruleValue < 1 || m.ruleValue > ruleMax) add("rule_value", `must be 1-${ruleMax} for frequency ${m.frequency}`);
  }
  const start = m.startTime ?? now;
  if (m.startTime !== undefined && istDay(m.startTime.getTime()) !== istDay(now.getTime())) {
    add("start_time", "must fall on the current day in India Standard Time (Juspay requires start = today)");
  }
  if (m.endTime !== undefined && seconds(m.endTime) <= seconds(start)) add("end_time", "must be after start_time");
  if (m.blockFunds === true && m.frequency !== "ONETIME") add("block_funds", "may be true only with frequency ONETIME");
  if (m.revokableByCustomer === false && m.frequency !== "ONETIME") add("revokable_by_customer", "may be false only with frequency ONETIME");
  return out;
}

/** The concrete terms to send to Juspay: defaults filled in, times to the second. */
export function resolveMandateTerms(m: MandateOptions, now: Date): SdkMandate {
  const start = new Date(seconds(m.startTime ?? now) * 1000);
  let end = m.endTime;
  if (end === undefined) {
    end = new Date(start);
    end.setUTCFullYear(end.getUTCFullYear() + 30);
  }
  return {
    createMandate: m.createMandate,
    maxAmountMinor: m.maxAmount.minor,
    amountRule: m.amountRule,
    frequency: m.frequency,
    ...(m.ruleType !== undefined && { ruleType: m.ruleType }),
    ...(m.ruleValue !== undefined && { ruleValue: m.ruleValue }),
    startDate: start,
    endDate: new Date(seconds(end) * 1000),
    revokableByCustomer: m.revokableByCustomer ?? true,
    blockFunds: m.blockFunds ?? m.frequency === "ONETIME",
  };
}

/** The jsonb form on the order row: plain JSON, amounts as strings, times as epoch seconds. */
export interface StoredMandateOptions {
  createMandate: string;
  maxAmountMinor: string;
  currency: string;
  amountRule: string;
  frequency: string;
  ruleType: string | null;
  ruleValue: number | null;
  startTime: number | null;
  endTime: number | null;
  revokableByCustomer: boolean | null;
  blockFunds: boolean | null;
}

export function storeMandateOptions(m: MandateOptions): StoredMandateOptions {
  return {
    createMandate: m.createMandate,
    maxAmountMinor: m.maxAmount.minor.toString(),
    currency: m.maxAmount.currency,
    amountRule: m.amountRule,
    frequency: m.frequency,
    ruleType: m.ruleType ?? null,
    ruleValue: m.ruleValue ?? null,
    startTime: m.startTime === undefined ? null : seconds(m.startTime),
    endTime: m.endTime === undefined ? null : seconds(m.endTime),
    revokableByCustomer: m.revokableByCustomer ?? null,
    blockFunds: m.blockFunds ?? null,
  };
}

/** Reads the jsonb column back (null when the order registers no mandate). */
export function loadMandateOptions(stored: unknown): MandateOptions | null {
  if (stored === null || stored === undefined) return null;
  const s = (typeof stored === "string" ? JSON.parse(stored) : stored) as StoredMandateOptions;
  return {
    createMandate: s.createMandate as MandateOptions["createMandate"],
    maxAmount: { minor: BigInt(s.maxAmountMinor), currency: s.currency },
    amountRule: s.amountRule as MandateOptions["amountRule"],
    frequency: s.frequency as MandateFrequency,
    ...(s.ruleType !== null && { ruleType: s.ruleType as MandateRuleType }),
    ...(s.ruleValue !== null && { ruleValue: s.ruleValue }),
    ...(s.startTime !== null && { startTime: new Date(s.startTime * 1000) }),
    ...(s.endTime !== null && { endTime: new Date(s.endTime * 1000) }),
    ...(s.revokableByCustomer !== null && { revokableByCustomer: s.revokableByCustomer }),
    ...(s.blockFunds !== null && { blockFunds: s.blockFunds }),
  };
}

/** Same options (jsonb does not keep key order, so compare field by field). */
export function sameMandateOptions(stored: unknown, requested: MandateOptions | null): boolean {
  const a = stored === null || stored === undefined ? null : storeMandateOptions(loadMandateOptions(stored)!);
  const b = requested === null ? null : storeMandateOptions(requested);
  if (a === null || b === null) return a === b;
  return (Object.keys(b) as (keyof StoredMandateOptions)[]).every((k) => a[k] === b[k]);
}
