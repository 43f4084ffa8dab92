import { JuspayNotFoundError, isJuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findMandate, type MandateRow } from "../../db/mandates-repository.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { logReadFailure, staleReasonOf, type StaleReason } from "../orders/refresh-order.js";
import type { CallBudget } from "../ports.js";
import { applyMandate } from "./apply-mandate.js";

// Reads a mandate's truth from Juspay (check_status) and applies it. When
// Juspay cannot answer in time, our row is returned marked stale (with why),
// as for orders: the caller gets the last known state instead of an error.

export interface RefreshedMandate {
  mandate: MandateRow;
  stale: StaleReason | null;
}

export async function refreshMandate(ctx: AppContext, mandateId: string, budget: CallBudget): Promise<RefreshedMandate> {
  const row = await findMandate(ctx.db, mandateId);
  if (row === undefined) throw mandateNotFound(mandateId);
  try {
    const reported = await ctx.juspay.mandates.checkStatus(mandateId, { signal: budget.signal, deadline: budget.deadline, routingId: row.customer_id });
    const applied = await applyMandate(ctx, reported, { customerId: row.customer_id });
    return { mandate: applied?.mandate ?? row, stale: null };
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    // Juspay does not know it (yet): our row is all there is, and it is not out of date for a reason we could fix.
    if (err instanceof JuspayNotFoundError) return { mandate: row, stale: null };
    logReadFailure(ctx, { mandateId }, err);
    return { mandate: row, stale: staleReasonOf(err) };
  }
}

export function mandateNotFound(mandateId: string): AppError {
  return new AppError("not_found", ErrorReason.NOT_FOUND, `mandate ${mandateId} not found`);
}
