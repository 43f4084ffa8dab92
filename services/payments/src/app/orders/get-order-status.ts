import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findOrder, refundsOfOrder } from "../../db/orders-repository.js";
import { isTerminalOrder } from "../../domain/order-status.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import type { CallBudget } from "../ports.js";
import { refreshOrder, type RefreshedOrder } from "./refresh-order.js";

// GetOrderStatus: a terminal order is answered from Postgres (it cannot
// change by itself); any other is refreshed from Juspay within the caller's
// deadline, or answered stale when Juspay cannot answer in time.

export async function getOrderStatus(ctx: AppContext, orderId: string, budget: CallBudget): Promise<RefreshedOrder> {
  const row = await findOrder(ctx.db, orderId);
  if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${orderId} not found`);
  if (isTerminalOrder(row)) return { order: row, refunds: await refundsOfOrder(ctx.db, orderId), stale: null };
  return refreshOrder(ctx, orderId, budget, row);
}
