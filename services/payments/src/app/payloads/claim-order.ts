import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { Transaction } from "kysely";
import { lockOrder, storedOrderIdIgnoringCase, type OrderRow } from "../../db/orders-repository.js";
import type { DatabaseSchema } from "../../db/schema.js";
import { sameMandateOptions, storeMandateOptions } from "../../domain/mandate-options.js";
import { isTerminalOrderStatus } from "../../domain/order-status.js";
import type { AppContext } from "../context.js";
import { AppError, type AppErrorOptions } from "../errors.js";
import { claimKey, scopeOf, type KeyRef } from "../idempotency.js";
import { orderIdDiffersOnlyInCase } from "../order-id-case.js";
import { enqueueOrderSync } from "../orders/order-sync-job.js";
import { orderFieldsOf, type ProcessPayloadInput } from "./process-payload-input.js";

// The one transaction of CreateProcessPayload: claim the idempotency key and
// write (or reuse) the order row with its sync job, so the row is committed
// before any payload leaves and before Juspay hears of the order. A refusal
// rolls the claim back with it: nothing half-written. A payload about to be
// signed has its expiry recorded in the same write, under the row lock, so
// UpdateOrder cannot change the amount while Juspay may still accept it.

export type OrderClaim = { kind: "replay"; response: Uint8Array } | { kind: "claimed"; ref: KeyRef; order: OrderRow; created: boolean };

/** `signedPayloadExpiresAt`: the expiry of the payload about to be signed (signature flavour), else null. */
export async function claimOrder(ctx: AppContext, input: ProcessPayloadInput, signedPayloadExpiresAt: Date | null): Promise<OrderClaim> {
  const ref: KeyRef = { scope: scopeOf(input.caller, "CreateProcessPayload"), key: input.idempotencyKey };
  // The order sync it enqueues is due only after ORDER_SYNC_DELAY_MS: the worker's own poll finds it, no wake-up on this hot path.
  return ctx.db.transaction().execute(async (trx): Promise<OrderClaim> => {
    const key = await claimKey(trx, ref, input.requestHash, ctx.settings.idempotencyLockMs);
    if (key.kind === "completed") {
      if (key.response === null) throw new AppError("internal", ErrorReason.INTERNAL, "the stored response of this idempotency key is missing");
      return { kind: "replay", response: key.response };
    }
    const fields = orderFieldsOf(input);
    const inserted = await trx
      .insertInto("orders")
      .values({
        ...fields,
        status: "NEW",
        status_raw: "",
        order_type: input.mandate === null ? "PAYMENT" : "MANDATE_REGISTRATION",
        udfs: JSON.stringify(fields.udfs),
        mandate_options: input.mandate === null ? null : JSON.stringify(storeMandateOptions(input.mandate)),
        signed_payload_expires_at: signedPayloadExpiresAt,
      })
      // Any unique key: this spelling (the order is reused below) or another case of it (refused below).
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    // Locked: an UpdateOrder either committed before (and is checked here) or waits and sees the recorded expiry.
    const order = inserted ?? (await lockOrder(trx, input.orderId));
    if (order === undefined) {
      if ((await storedOrderIdIgnoringCase(trx, input.orderId)) !== undefined) throw orderIdDiffersOnlyInCase(input.orderId);
      throw new AppError("aborted", ErrorReason.IDEMPOTENCY_KEY_IN_FLIGHT, "the order changed meanwhile: retry", { retryable: true });
    }
    if (inserted === undefined) {
      checkReusable(order, input);
      await extendSignedPayloadExpiry(trx, order, signedPayloadExpiresAt);
    }
    // Also on reuse: the previous sync may have ended (too old), and a new attempt is coming.
    await enqueueOrderSync(trx, ctx, input.orderId);
    return { kind: "claimed", ref, order, created: inserted !== undefined };
  });
}

/** An earlier payload may outlive this one (a longer window then): the later expiry is kept. */
export async function extendSignedPayloadExpiry(trx: Transaction<DatabaseSchema>, order: OrderRow, expiresAt: Date | null): Promise<void> {
  if (expiresAt === null || (order.signed_payload_expires_at !== null && order.signed_payload_expires_at >= expiresAt)) return;
  await trx.updateTable("orders").set({ signed_payload_expires_at: expiresAt }).where("order_id", "=", order.order_id).execute();
}

/**
 * A second payload for an existing order (the customer retries) must describe
 * the same payment. Another customer's order is refused first, before
 * anything about it is compared: ALREADY_EXISTS ID_ALREADY_USED naming only
 * order_id, the answer any taken id gets, so a customer-scoped caller learns
 * neither that the order is another customer's nor its amount. For the same
 * customer: amount or currency differ is FAILED_PRECONDITION AMOUNT_MISMATCH
 * (errors.proto names this case); order type or mandate terms differ is
 * ALREADY_EXISTS ID_ALREADY_USED (the RPC's contract). Other fields (email,
 * return_url, ...) come from our row, never the request.
 */
function checkReusable(order: OrderRow, input: ProcessPayloadInput): void {
  if (order.customer_id !== input.customerId) throw idAlreadyUsed(order.order_id);
  if (order.amount_minor !== input.amount.minor || order.currency !== input.amount.currency) {
    throw new AppError("failed_precondition", ErrorReason.AMOUNT_MISMATCH, `order ${order.order_id} exists with another amount or currency: use a new order_id`);
  }
  const orderType = input.mandate === null ? "PAYMENT" : "MANDATE_REGISTRATION";
  if (order.order_type !== orderType || !sameMandateOptions(order.mandate_options, input.mandate)) {
    throw idAlreadyUsed(order.order_id, { field: "mandate", rule: "custom", description: "differs from the existing order with this order_id: choose a new order_id" });
  }
  if (isTerminalOrderStatus(order.status)) {
    throw new AppError("failed_precondition", ErrorReason.ORDER_NOT_PAYABLE, `order ${order.order_id} is ${order.status}: no new payment can be started for it`);
  }
}

type Violation = NonNullable<AppErrorOptions["violations"]>[number];

function idAlreadyUsed(orderId: string, ...more: Violation[]): AppError {
  return new AppError("already_exists", ErrorReason.ID_ALREADY_USED, `order_id ${orderId} is already used by another order`, {
    violations: [{ field: "order_id", rule: "custom", description: "is already used by a different order" }, ...more],
  });
}
