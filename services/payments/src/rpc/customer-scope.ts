import { Code, type HandlerContext } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { AppContext } from "../app/context.js";
import { AppError } from "../app/errors.js";
import { findMandate, findNotification } from "../db/mandates-repository.js";
import { findOrder, findRefund } from "../db/orders-repository.js";
import { customerOf } from "./call-context.js";
import { rpcError } from "./errors.js";

// What a customer-scoped caller (the mobile BFF, acting for the end customer
// in its x-customer-id) may see: only that customer's orders, refunds,
// mandates and notifications. Another customer's object is NOT_FOUND, exactly
// as if it did not exist, so ids cannot be probed. Callers that see every
// customer (backend services) pay nothing: no extra read.

function notFound(what: string): AppError {
  return new AppError("not_found", ErrorReason.NOT_FOUND, `${what} not found`);
}

/** A request naming the customer it acts for must name the caller's customer. */
export function ensureOwnCustomer(ctx: HandlerContext, customerId: string, field = "customer_id"): void {
  const customer = customerOf(ctx);
  if (customer === null || customer === customerId) return;
  throw rpcError(Code.PermissionDenied, `${field} must be the customer this caller acts for (x-customer-id)`, {
    reason: ErrorReason.PERMISSION_DENIED,
    fieldViolations: [{ field, rule: "custom", description: "must equal the caller's x-customer-id" }],
  });
}

export async function ensureOrderVisible(app: AppContext, ctx: HandlerContext, orderId: string): Promise<void> {
  const customer = customerOf(ctx);
  if (customer === null) return;
  const order = await findOrder(app.db, orderId);
  if (order?.customer_id !== customer) throw notFound(`order ${orderId}`);
}

export async function ensureRefundVisible(app: AppContext, ctx: HandlerContext, by: { refundId: string } | { uniqueRequestId: string }): Promise<void> {
  if (customerOf(ctx) === null) return;
  const refund = await findRefund(app.db, by);
  const name = "refundId" in by ? by.refundId : by.uniqueRequestId;
  if (refund === undefined) throw notFound(`refund ${name}`);
  await ensureOrderVisible(app, ctx, refund.order_id).catch(() => {
    throw notFound(`refund ${name}`);
  });
}

export async function ensureMandateVisible(app: AppContext, ctx: HandlerContext, mandateId: string): Promise<void> {
  const customer = customerOf(ctx);
  if (customer === null) return;
  const mandate = await findMandate(app.db, mandateId);
  if (mandate?.customer_id !== customer) throw notFound(`mandate ${mandateId}`);
}

export async function ensureNotificationVisible(app: AppContext, ctx: HandlerContext, notificationId: string): Promise<void> {
  if (customerOf(ctx) === null) return;
  const notification = await findNotification(app.db, notificationId);
  if (notification === undefined) throw notFound(`notification ${notificationId}`);
  await ensureMandateVisible(app, ctx, notification.mandate_id).catch(() => {
    throw notFound(`notification ${notificationId}`);
  });
}
