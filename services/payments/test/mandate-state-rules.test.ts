import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { debitAmountViolation, executionTimeViolation, isInPast, withinMandate, type MandateTerms } from "../src/domain/mandate-debit-rules.js";
import { commandAllowedFrom, isFinalMandateStatus, mandateEventType, mayTransitionMandate } from "../src/domain/mandate-status.js";
import { mayTransitionNotification, notificationEventType } from "../src/domain/notification-status.js";

// The pure rules behind mandates (ADR 0013): whatever order reports arrive
// in, a mandate never leaves a final state nor falls back to "not registered",
// and a debit is held to the mandate's terms.

const MANDATE_STATUSES = ["CREATED", "PENDING", "ACTIVE", "PAUSED", "REVOKED", "FAILURE", "EXPIRED", "UNKNOWN"];

/** Applies reports in order, as apply-mandate does. */
function follow(start: string, reports: string[]): string[] {
  const seen = [start];
  let status = start;
  for (const next of reports) if (mayTransitionMandate(status, next)) seen.push((status = next));
  return seen;
}

describe("mandate transitions", () => {
  it("any sequence of reports: a final state is never left, and ACTIVE/PAUSED never fall back to CREATED, PENDING or UNKNOWN", () => {
    fc.assert(
      fc.property(fc.constantFrom(...MANDATE_STATUSES), fc.array(fc.constantFrom(...MANDATE_STATUSES), { maxLength: 30 }), (start, reports) => {
        const path = follow(start, reports);
        const finalAt = path.findIndex(isFinalMandateStatus);
        if (finalAt >= 0) expect(path.length).toBe(finalAt + 1);
        const registeredAt = path.findIndex((s) => s === "ACTIVE" || s === "PAUSED");
        if (registeredAt >= 0) expect(path.slice(registeredAt).some((s) => ["CREATED", "PENDING", "UNKNOWN", "FAILURE"].includes(s))).toBe(false);
      }),
    );
  });

  it("follows Juspay both ways between ACTIVE and PAUSED", () => {
    expect(follow("ACTIVE", ["PAUSED", "ACTIVE", "PAUSED"])).toEqual(["ACTIVE", "PAUSED", "ACTIVE", "PAUSED"]);
    expect(follow("CREATED", ["ACTIVE", "CREATED", "FAILURE", "REVOKED", "ACTIVE"])).toEqual(["CREATED", "ACTIVE", "REVOKED"]);
  });

  it("commands are sent only from the states Juspay accepts them in", () => {
    expect(MANDATE_STATUSES.filter((s) => commandAllowedFrom("revoke", s))).toEqual(["ACTIVE", "PAUSED"]);
    expect(MANDATE_STATUSES.filter((s) => commandAllowedFrom("pause", s))).toEqual(["ACTIVE"]);
    expect(MANDATE_STATUSES.filter((s) => commandAllowedFrom("resume", s))).toEqual(["PAUSED"]);
  });

  it("names the event of each change: a first activation, a resume, a new mandate", () => {
    expect(mandateEventType(null, "CREATED", false)).toBe("MANDATE_CREATED");
    expect(mandateEventType(null, "ACTIVE", false)).toBe("MANDATE_ACTIVATED");
    expect(mandateEventType("CREATED", "ACTIVE", false)).toBe("MANDATE_ACTIVATED");
    expect(mandateEventType("PAUSED", "ACTIVE", true)).toBe("MANDATE_RESUMED");
    expect(mandateEventType("ACTIVE", "PAUSED", true)).toBe("MANDATE_PAUSED");
    expect(mandateEventType("PAUSED", "EXPIRED", true)).toBe("MANDATE_EXPIRED");
    expect(mandateEventType("CREATED", "FAILURE", false)).toBe("MANDATE_FAILED");
    expect(mandateEventType("ACTIVE", "ACTIVE", true)).toBeNull();
    expect(mandateEventType("CREATED", "PENDING", false)).toBeNull();
  });
});

describe("notification transitions", () => {
  it("SUCCESS and FAILURE are final; UNKNOWN never hides a known status", () => {
    expect(mayTransitionNotification("PENDING", "CREATED")).toBe(true);
    expect(mayTransitionNotification("CREATED", "SUCCESS")).toBe(true);
    expect(mayTransitionNotification("SUCCESS", "FAILURE")).toBe(false);
    expect(mayTransitionNotification("FAILURE", "PENDING")).toBe(false);
    expect(mayTransitionNotification("CREATED", "UNKNOWN")).toBe(false);
    expect(notificationEventType("PENDING", "FAILURE")).toBe("NOTIFICATION_FAILED");
    expect(notificationEventType("CREATED", "PENDING")).toBeNull();
  });
});

describe("debit terms", () => {
  const now = new Date("2026-11-24T10:00:00Z");
  const variable: MandateTerms = { max_amount_minor: 500_000n, currency: "INR", amount_rule: "VARIABLE", start_at: new Date("2026-11-01T00:00:00Z"), end_at: new Date("2027-11-01T00:00:00Z") };
  const fixed: MandateTerms = { ...variable, amount_rule: "FIXED" };

  it("amount: up to max for VARIABLE, exactly max for FIXED, in the mandate's currency", () => {
    expect(debitAmountViolation(variable, { minor: 500_000n, currency: "INR" })).toBeNull();
    expect(debitAmountViolation(variable, { minor: 500_001n, currency: "INR" })?.field).toBe("amount");
    expect(debitAmountViolation(variable, { minor: 100n, currency: "USD" })?.field).toBe("amount.currency");
    expect(debitAmountViolation(fixed, { minor: 499_999n, currency: "INR" })?.description).toMatch(/FIXED/);
    expect(debitAmountViolation(fixed, { minor: 500_000n, currency: "INR" })).toBeNull();
    expect(debitAmountViolation({ ...variable, max_amount_minor: null }, { minor: 9n ** 9n, currency: "INR" })).toBeNull();
  });

  it("execution time: 24 hours ahead (5 minutes of skew) and within the mandate", () => {
    const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
    expect(executionTimeViolation(variable, hours(25), now)).toBeNull();
    expect(executionTimeViolation(variable, hours(24 - 1 / 60), now)).toBeNull();
    expect(executionTimeViolation(variable, hours(23), now)?.field).toBe("execution_time");
    expect(executionTimeViolation(variable, new Date("2028-01-01T00:00:00Z"), now)?.description).toMatch(/start and end/);
    expect(withinMandate(variable, new Date("2026-10-01T00:00:00Z"))).toBe(false);
    expect(withinMandate({ ...variable, start_at: null, end_at: null }, new Date(0))).toBe(true);
  });

  it("a time in the past beyond clock skew", () => {
    expect(isInPast(new Date(now.getTime() - 4 * 60_000), now)).toBe(false);
    expect(isInPast(new Date(now.getTime() - 6 * 60_000), now)).toBe(true);
  });
});
