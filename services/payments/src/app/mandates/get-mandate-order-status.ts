import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { mandateOfRegistration, type MandateRow } from "../../db/mandates-repository.js";
import { findOrder } from "../../db/orders-repository.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { refreshOrder, type RefreshedOrder } from "../orders/refresh-order.js";
import type { CallBudget } from "../ports.js";

// GetMandateOrderStatus: the registration order, always refreshed (its
// mandate can change while the order stays CHARGED), and the mandate it
// registered, which the refresh has brought up to date (apply-order-status
// applies the order's mandate block).

export interface MandateOrderStatus extends RefreshedOrder {
  /** Undefined until Juspay created a mandate for the order. */
  mandate: MandateRow | undefined;
}

export async function getMandateOrderStatus(ctx: AppContext, orderId: string, budget: CallBudget): Promise<MandateOrderStatus> {
  const row = await findOrder(ctx.db, orderId);
  if (row === undefined || row.order_type !== "MANDATE_REGISTRATION") {
    throw new AppError("not_found", ErrorReason.NOT_FOUND, `mandate registration order ${orderId} not found`);
  }
  const refreshed = await refreshOrder(ctx, orderId, budget);
  return { ...refreshed, mandate: await mandateOfRegistration(ctx.db, orderId) };
}
