// Mandate state machine (ADR 0013). Juspay's mandate status is the truth, but
// reads, command answers and webhooks race and arrive out of order, so a
// report is applied only if it cannot be a step backwards: REVOKED, FAILURE
// and EXPIRED never move, and a registered mandate (ACTIVE or PAUSED) never
// returns to "not registered yet" (CREATED, PENDING, UNKNOWN). ACTIVE and
// PAUSED follow each other both ways (payer and merchant pause and resume).

/** Mandate statuses as stored: the proto MandateStatus name without its prefix. */
export type StoredMandateStatus = "CREATED" | "PENDING" | "ACTIVE" | "PAUSED" | "REVOKED" | "FAILURE" | "EXPIRED" | "UNKNOWN";

const FINAL = new Set<string>(["REVOKED", "FAILURE", "EXPIRED"]);
const REGISTERED = new Set<string>(["ACTIVE", "PAUSED"]);

export function isFinalMandateStatus(status: string): boolean {
  return FINAL.has(status);
}

export function mayTransitionMandate(current: string, next: string): boolean {
  if (current === next || isFinalMandateStatus(current)) return false;
  if (REGISTERED.has(current) && !REGISTERED.has(next) && !isFinalMandateStatus(next)) return false;
  // A registration is failed only before it succeeded.
  if (REGISTERED.has(current) && next === "FAILURE") return false;
  return true;
}

/** The state a mandate command leads to. */
export type MandateCommand = "revoke" | "pause" | "resume";

export const COMMAND_TARGET: Record<MandateCommand, StoredMandateStatus> = { revoke: "REVOKED", pause: "PAUSED", resume: "ACTIVE" };

/** The states from which Juspay accepts the command. */
const COMMAND_FROM: Record<MandateCommand, ReadonlySet<string>> = {
  revoke: new Set(["ACTIVE", "PAUSED"]),
  pause: new Set(["ACTIVE"]),
  resume: new Set(["PAUSED"]),
};

export function commandAllowedFrom(command: MandateCommand, status: string): boolean {
  return COMMAND_FROM[command].has(status);
}

export type MandateEventType =
  | "MANDATE_CREATED"
  | "MANDATE_ACTIVATED"
  | "MANDATE_PAUSED"
  | "MANDATE_RESUMED"
  | "MANDATE_REVOKED"
  | "MANDATE_EXPIRED"
  | "MANDATE_FAILED";

/**
 * The event for a mandate whose status became `status`: `previous` null
 * means the row is new. `everActive` tells a first activation from a resume.
 */
export function mandateEventType(previous: string | null, status: string, everActive: boolean): MandateEventType | null {
  if (previous === status) return null;
  switch (status) {
    case "ACTIVE":
      return previous === "PAUSED" && everActive ? "MANDATE_RESUMED" : "MANDATE_ACTIVATED";
    case "PAUSED":
      return "MANDATE_PAUSED";
    case "REVOKED":
      return "MANDATE_REVOKED";
    case "EXPIRED":
      return "MANDATE_EXPIRED";
    case "FAILURE":
      return "MANDATE_FAILED";
    default:
      return previous === null ? "MANDATE_CREATED" : null;
  }
}
