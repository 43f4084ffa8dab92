import type { Fields } from "../http/body.js";
import { invalidRequest } from "../http/errors.js";
import { parseAmount } from "../render/money.js";
import type { Mandate } from "../state/model.js";

// Juspay's rules for mandate registration parameters (reference §2.8), checked
// when an order asks for a mandate (options.create_mandate on /orders,
// /session or signed orderDetails), so a bad request fails as Juspay would.

export const FREQUENCIES = ["ONETIME", "DAILY", "WEEKLY", "FORTNIGHTLY", "MONTHLY", "BIMONTHLY", "QUARTERLY", "HALFYEARLY", "YEARLY", "ASPRESENTED"] as const;

/** Allowed rule_value range per frequency; absent = rule_value not allowed. */
const RULE_VALUE_RANGE: Record<string, [number, number]> = {
  WEEKLY: [1, 7],
  FORTNIGHTLY: [1, 16],
  MONTHLY: [1, 31],
  BIMONTHLY: [1, 31],
  QUARTERLY: [1, 31],
  HALFYEARLY: [1, 31],
  YEARLY: [1, 31],
};

const THIRTY_YEARS_MS = 30 * 365 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The registration parameters, as a mandate will carry them. */
export type MandateTerms = Pick<
  Mandate,
  "maxAmountMinor" | "amountRule" | "frequency" | "ruleType" | "ruleValue" | "startDate" | "endDate" | "revokableByCustomer" | "blockFund"
> & { createMandate: "REQUIRED" | "OPTIONAL" };

/** The mandate terms an order asks for, or undefined when it asks for none. Throws Juspay's 400 on a bad value. */
/** `currency`: the order's (max_amount is written in it). */
export function mandateTerms(fields: Fields, orderAmountMinor: number, currency: string, now: number): MandateTerms | undefined {
  const create = fields["options.create_mandate"];
  if (create === undefined || create === "") return undefined;
  if (create !== "REQUIRED" && create !== "OPTIONAL") throw bad("options.create_mandate must be REQUIRED or OPTIONAL");

  const maxText = fields["mandate.max_amount"] ?? fields["mandate_max_amount"];
  if (maxText === undefined) throw invalidRequest("MISSING_MANDATORY_PARAMETER", "Mandatory parameter is missing: mandate.max_amount");
  const maxAmountMinor = parseAmount(maxText, currency);
  if (maxAmountMinor === undefined || maxAmountMinor <= 0) throw bad("Invalid mandate.max_amount");

  const amountRule = fields["mandate.amount_rule"] ?? "VARIABLE";
  if (amountRule !== "FIXED" && amountRule !== "VARIABLE") throw bad("mandate.amount_rule must be FIXED or VARIABLE");

  const frequency = fields["mandate.frequency"] ?? "ASPRESENTED";
  if (!(FREQUENCIES as readonly string[]).includes(frequency)) throw bad(`Invalid mandate.frequency ${frequency}`);

  const ruleType = fields["mandate.rule_type"] ?? "";
  if (ruleType !== "" && !["ON", "BEFORE", "AFTER"].includes(ruleType)) throw bad("mandate.rule_type must be ON, BEFORE or AFTER");

  const ruleValue = fields["mandate.rule_value"] ?? "";
  const range = RULE_VALUE_RANGE[frequency];
  if (ruleValue !== "") {
    if (!range) throw bad(`mandate.rule_value is not applicable to frequency ${frequency}`);
    const n = Number(ruleValue);
    if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw bad(`mandate.rule_value for ${frequency} must be ${range[0]}-${range[1]}`);
  }

  const startDate = epochSecondsField(fields, "mandate.start_date") ?? now;
  if (Math.abs(startDate - now) > DAY_MS) throw bad("mandate.start_date must be today");
  const endDate = epochSecondsField(fields, "mandate.end_date") ?? startDate + THIRTY_YEARS_MS;
  if (endDate <= startDate) throw bad("mandate.end_date must be after mandate.start_date");

  if (amountRule === "FIXED" && orderAmountMinor > maxAmountMinor) throw bad("Order amount greater than mandate max amount");

  return {
    createMandate: create,
    maxAmountMinor,
    amountRule,
    frequency,
    ruleType,
    ruleValue,
    startDate,
    endDate,
    revokableByCustomer: booleanField(fields["mandate.revokable_by_customer"], true),
    blockFund: booleanField(fields["mandate.block_funds"] ?? fields["mandate.block_fund"], frequency === "ONETIME"),
  };
}

function bad(message: string) {
  return invalidRequest("INVALID_INPUT", message);
}

function epochSecondsField(fields: Fields, name: string): number | undefined {
  const raw = fields[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,11}$/.test(raw)) throw bad(`${name} must be epoch seconds`);
  return Number(raw) * 1000;
}

function booleanField(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === "") return fallback;
  if (raw !== "true" && raw !== "false") throw bad("boolean mandate fields take true or false");
  return raw === "true";
}
