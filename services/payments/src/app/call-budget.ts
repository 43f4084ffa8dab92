import type { CallBudget } from "./ports.js";

// An RPC that calls Juspay keeps part of the caller's deadline back for
// recording what the answer proves and answering: a PENDING (or, for a read,
// stale) answer that arrives beats a DEADLINE_EXCEEDED that leaves the caller
// guessing. The part grows with the deadline: a replica slow enough to need
// it is a loaded one (Juspay slow, callers retrying), and a fixed 250 ms was
// too thin there; a long deadline can spare more.

export const MIN_WRITE_BACK_MS = 250;
export const MAX_WRITE_BACK_MS = 1_000;
const WRITE_BACK_SHARE = 0.25;

/** What is kept back from a deadline `remainingMs` away. */
export function writeBackMs(remainingMs: number): number {
  return Math.round(Math.min(MAX_WRITE_BACK_MS, Math.max(MIN_WRITE_BACK_MS, remainingMs * WRITE_BACK_SHARE)));
}

/** The budget for the Juspay call itself. */
export function juspayCallBudget(budget: CallBudget, now = Date.now()): CallBudget {
  if (budget.deadline === undefined) return budget;
  return { ...budget, deadline: budget.deadline - writeBackMs(budget.deadline - now) };
}

/** Settles with undefined when the budget's deadline passes or its signal aborts. */
export function budgetOver(budget: CallBudget): { promise: Promise<undefined>; cancel(): void } {
  let cancel = () => {};
  const promise = new Promise<undefined>((resolve) => {
    const done = () => resolve(undefined);
    if (budget.signal?.aborted) return done();
    const timer = budget.deadline === undefined ? undefined : setTimeout(done, Math.max(0, budget.deadline - Date.now()));
    budget.signal?.addEventListener("abort", done, { once: true });
    cancel = () => {
      clearTimeout(timer);
      budget.signal?.removeEventListener("abort", done);
    };
  });
  return { promise, cancel };
}
