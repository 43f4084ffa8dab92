import type { CallBudget } from "./ports.js";

// An RPC that calls Juspay keeps part of the caller's deadline back for
// recording what the answer proves and answering: a PENDING (or, for a read,
// stale) answer that arrives beats a DEADLINE_EXCEEDED that leaves the caller
// guessing.

export const WRITE_BACK_MS = 250;

/** The budget for the Juspay call itself. */
export function juspayCallBudget(budget: CallBudget): CallBudget {
  return budget.deadline === undefined ? budget : { ...budget, deadline: budget.deadline - WRITE_BACK_MS };
}
