import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findRefund, type RefundRow } from "../../db/orders-repository.js";
import { needsNoSync } from "../../domain/refund-status.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { refreshOrder, type StaleReason } from "../orders/refresh-order.js";
import type { CallBudget } from "../ports.js";

// GetRefund: a settled refund (or one waiting for a human) is answered from
// Postgres; an unsettled one is first refreshed through its order's status
// within the caller's deadline, or answered stale when Juspay cannot answer.

export interface RefundView {
  refund: RefundRow;
  stale: StaleReason | null;
}

export type RefundSelector = { refundId: string } | { uniqueRequestId: string };

export async function getRefund(ctx: AppContext, by: RefundSelector, budget: CallBudget): Promise<RefundView> {
  const row = await findRefund(ctx.db, by);
  if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, "refund not found");
  if (needsNoSync(row.status)) return { refund: row, stale: null };
  const refreshed = await refreshOrder(ctx, row.order_id, budget);
  return { refund: refreshed.refunds.find((r) => r.refund_id === row.refund_id) ?? row, stale: refreshed.stale };
}
