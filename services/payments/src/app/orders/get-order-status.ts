import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findOrder, refundsOfOrder, type OrderRow } from "../../db/orders-repository.js";
import { isTerminalOrder } from "../../domain/order-status.js";
import type { AppContext } from "../context.js";
import { juspayCallBudget } from "../call-budget.js";
import { AppError } from "../errors.js";
import type { CallBudget } from "../ports.js";
import { refreshOrder, type RefreshedOrder } from "./refresh-order.js";

// GetOrderStatus: a terminal order is answered from Postgres (it cannot
// change by itself); any other is refreshed from Juspay within the caller's
// deadline, or answered stale when Juspay cannot answer in time. A refresh of
// the same order already under way is joined rather than repeated
// (shared-refreshes.ts): the answer is then as of a read that started a
// moment before the call, as if the call had come a moment earlier.

export async function getOrderStatus(ctx: AppContext, orderId: string, budget: CallBudget): Promise<RefreshedOrder> {
  const row = await openOrder(ctx, orderId);
  if (isTerminalOrder(row)) return { order: row, refunds: await refundsOfOrder(ctx.db, orderId), stale: null };
  // The wait ends with the write-back margin still ahead, as a read of our own would: time to read the
  // refunds and answer stale before the caller's deadline.
  const shared = await ctx.orderRefreshes.join(orderId, juspayCallBudget(budget), (own) => refreshOrder(ctx, orderId, own, row));
  // The wait ran out (or the caller left) before the shared read answered: what we have, marked stale.
  return shared ?? { order: row, refunds: await refundsOfOrder(ctx.db, orderId), stale: "juspay_timeout" };
}

/** As getOrderStatus, with a read of its own that starts now (VerifySdkResult checks a report against it). */
export async function getFreshOrderStatus(ctx: AppContext, orderId: string, budget: CallBudget): Promise<RefreshedOrder> {
  const row = await openOrder(ctx, orderId);
  if (isTerminalOrder(row)) return { order: row, refunds: await refundsOfOrder(ctx.db, orderId), stale: null };
  return refreshOrder(ctx, orderId, budget, row);
}

async function openOrder(ctx: AppContext, orderId: string): Promise<OrderRow> {
  const row = await findOrder(ctx.db, orderId);
  if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${orderId} not found`);
  return row;
}
