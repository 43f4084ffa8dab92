// The rules a debit (or its pre-debit notification) must keep to under a
// registered mandate, checked by us before anything is written or sent
// (reference §2.8: amount ≤ max amount, = max amount for FIXED, in the
// mandate's currency; executions 24 h or more ahead, within start/end).
// Pure: each check returns the offending field and why, or null.

export interface MandateTerms {
  max_amount_minor: bigint | null;
  currency: string;
  amount_rule: string | null;
  start_at: Date | null;
  end_at: Date | null;
}

export interface RuleViolation {
  field: string;
  description: string;
}

/** Clock skew tolerated between the caller and us. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Juspay debits 24 h after a pre-debit notification: an execution must be asked at least this far ahead. */
export const EXECUTION_LEAD_MS = 24 * 3_600_000;

export function debitAmountViolation(terms: MandateTerms, amount: { minor: bigint; currency: string }, field = "amount"): RuleViolation | null {
  if (amount.currency !== terms.currency) return { field: `${field}.currency`, description: `must be the mandate's currency (${terms.currency})` };
  // Juspay did not tell us the maximum: Juspay checks it.
  if (terms.max_amount_minor === null) return null;
  if (terms.amount_rule === "FIXED" && amount.minor !== terms.max_amount_minor) {
    return { field, description: "must equal the mandate's max_amount (amount rule FIXED)" };
  }
  if (amount.minor > terms.max_amount_minor) return { field, description: "must not exceed the mandate's max_amount" };
  return null;
}

/** Whether `at` falls within the mandate's validity (bounds Juspay did not report are not checked). */
export function withinMandate(terms: MandateTerms, at: Date): boolean {
  if (terms.start_at !== null && at.getTime() < terms.start_at.getTime() - CLOCK_SKEW_MS) return false;
  if (terms.end_at !== null && at.getTime() > terms.end_at.getTime()) return false;
  return true;
}

export function executionTimeViolation(terms: MandateTerms, at: Date, now: Date): RuleViolation | null {
  if (at.getTime() < now.getTime() + EXECUTION_LEAD_MS - CLOCK_SKEW_MS) {
    return { field: "execution_time", description: "must be at least 24 hours ahead (Juspay debits 24 hours after the pre-debit notification)" };
  }
  if (!withinMandate(terms, at)) return { field: "execution_time", description: "must fall within the mandate's start and end" };
  return null;
}

/** A time the caller gives for "from now on" (pause start, resume): not in the past beyond clock skew. */
export function isInPast(at: Date, now: Date): boolean {
  return at.getTime() < now.getTime() - CLOCK_SKEW_MS;
}
