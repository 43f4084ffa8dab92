import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import { keyOwner } from "../app/idempotency.js";
import type { CallBudget } from "../app/ports.js";

// What a handler learns about its call: who is calling (set by the
// authentication interceptor; "anonymous" until callers authenticate) and
// how long it may take (the caller's deadline, less a margin to answer in).

export const CALLER = createContextKey<string>("anonymous", { description: "authenticated caller id" });

/** The end customer a customer-scoped caller acts for (its `x-customer-id`); null for callers that see every customer. */
export const CUSTOMER = createContextKey<string | null>(null, { description: "customer a customer-scoped caller acts for" });

/** Time kept back from the caller's deadline to write the answer. */
const ANSWER_MARGIN_MS = 50;

export function callerOf(ctx: HandlerContext): string {
  return ctx.values.get(CALLER);
}

export function customerOf(ctx: HandlerContext): string | null {
  return ctx.values.get(CUSTOMER);
}

/** Whose idempotency keys this call uses: the caller, and for a customer-scoped caller also its customer. */
export function keyOwnerOf(ctx: HandlerContext): string {
  return keyOwner(callerOf(ctx), customerOf(ctx));
}

/** The budget for work on behalf of this call: its signal, and its deadline less the margin. */
export function budgetOf(ctx: HandlerContext): CallBudget {
  const timeoutMs = ctx.timeoutMs();
  return {
    signal: ctx.signal,
    deadline: timeoutMs === undefined ? undefined : Date.now() + Math.max(0, timeoutMs - ANSWER_MARGIN_MS),
  };
}
