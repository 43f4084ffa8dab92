import { JuspayInvalidRequestError, JuspayNotFoundError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { Updateable } from "kysely";
import { lockOrder, refundsOfOrder, type OrderRow } from "../../db/orders-repository.js";
import type { OrdersTable, UdfMap } from "../../db/schema.js";
import { toJuspayMinor } from "../../domain/money.js";
import { isTerminalOrderStatus, phaseOf } from "../../domain/order-status.js";
import type { AppContext } from "../context.js";
import { AppError, fieldError } from "../errors.js";
import type { CallBudget } from "../ports.js";
import type { OrderState } from "./apply-order-status.js";

// UpdateOrder: a new amount or UDFs for an order not yet paid. Juspay is told
// first, with our row locked for the call, so no status refresh can compare
// Juspay's new amount with our old one (that would read as tampering). An
// order Juspay has not seen yet (signature flavour before the SDK opened) is
// changed here only: the next signed payload carries the new values. So an
// amount change waits until no payload signed for the old amount can still be
// paid (ADR 0025): else Juspay would charge the old amount against our new one.

export interface OrderUpdate {
  orderId: string;
  amount?: { minor: bigint; currency: string };
  udfs: UdfMap;
}

export async function updateOrder(ctx: AppContext, update: OrderUpdate, budget: CallBudget): Promise<OrderState> {
  if (update.amount === undefined && Object.keys(update.udfs).length === 0) {
    throw fieldError(ErrorReason.INVALID_FIELD, "amount", "required", "or at least one udf must be given");
  }
  const state = await ctx.db.transaction().execute(async (trx) => {
    const row = await lockOrder(trx, update.orderId);
    if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${update.orderId} not found`);
    if (update.amount !== undefined && update.amount.currency !== row.currency) {
      throw fieldError(ErrorReason.INVALID_FIELD, "amount.currency", "equals_order", `must be the order's currency ${row.currency}`);
    }
    const phase = phaseOf(row.status);
    if (isTerminalOrderStatus(row.status) || phase === "succeeded" || phase === "authorized" || phase === "pending") {
      throw new AppError("failed_precondition", ErrorReason.ORDER_NOT_UPDATABLE, `order ${row.order_id} is ${row.status}: it can no longer be updated`);
    }
    if (update.amount !== undefined && update.amount.minor !== row.amount_minor) refuseWhileSignedPayloadPayable(row, new Date());
    try {
      await ctx.juspay.orders.update(
        row.order_id,
        { amountMinor: update.amount === undefined ? undefined : toJuspayMinor(update.amount.minor), currency: row.currency, extra: { ...update.udfs } },
        { signal: budget.signal, deadline: budget.deadline, routingId: row.customer_id },
      );
    } catch (err) {
      if (!(err instanceof JuspayNotFoundError)) throw rejected(err, row.order_id);
    }
    const patch: Updateable<OrdersTable> = {
      udfs: JSON.stringify({ ...row.udfs, ...update.udfs }),
      version: row.version + 1n,
      updated_at: new Date(),
      ...(update.amount !== undefined ? { amount_minor: update.amount.minor } : {}),
    };
    const order = await trx.updateTable("orders").set(patch).where("order_id", "=", row.order_id).returningAll().executeTakeFirstOrThrow();
    return { order, refunds: await refundsOfOrder(trx, row.order_id) };
  });
  ctx.orderChanges.published(update.orderId);
  return state;
}

/** Retryable: once the payload's window has passed, the same request succeeds. */
function refuseWhileSignedPayloadPayable(row: OrderRow, now: Date): void {
  const until = row.signed_payload_expires_at;
  if (until === null || until <= now) return;
  throw new AppError(
    "failed_precondition",
    ErrorReason.ORDER_NOT_UPDATABLE,
    `order ${row.order_id} has a signed payment payload for its current amount that Juspay may accept until ${until.toISOString()}: ` +
      "its amount cannot change before then (retry after that time, or use a new order_id)",
    { retryable: true, retryAfterMs: until.getTime() - now.getTime() },
  );
}

/** Juspay's "already charged" is the caller's precondition; anything else passes through the error table. */
function rejected(err: unknown, orderId: string): unknown {
  if (err instanceof JuspayInvalidRequestError && err.errorCode === "INVALID_ACTION") {
    return new AppError("failed_precondition", ErrorReason.ORDER_NOT_UPDATABLE, `Juspay refuses to update order ${orderId}: it is already paid`, { juspay: err });
  }
  return err;
}
