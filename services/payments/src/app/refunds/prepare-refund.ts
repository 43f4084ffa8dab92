import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { Transaction } from "kysely";
import { lockOrder, refundsOfOrder, type RefundRow } from "../../db/orders-repository.js";
import type { DatabaseSchema } from "../../db/schema.js";
import { chargedMinor, refundableMinor } from "../../domain/refundable.js";
import { deriveUniqueRequestId, refundIdFor } from "../../domain/unique-request-id.js";
import { enqueue } from "../../jobs/queue.js";
import { JOB_KINDS, type RefundSyncPayload } from "../../jobs/kinds.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { appendRefundEvent } from "../events/payment-events.js";
import { claimKey, linkKey, type KeyRef } from "../idempotency.js";

// RefundOrder's first transaction: everything that must be durable before
// Juspay hears of the refund (criterion 20). The idempotency key is claimed,
// the order row locked (so concurrent refunds of one order are checked one
// after the other against the same refundable amount, criterion 6), the
// refund row written PENDING with its unique_request_id, and its sync job
// scheduled. Any check that fails throws, and the whole transaction (claim
// included) rolls back: nothing is stored and Juspay is not called.

export interface RefundRequest {
  /** Whose keys: keyOwner() of the call (the caller id; refunds have no customer-scoped callers). */
  caller: string;
  idempotencyKey: string;
  orderId: string;
  amountMinor: bigint;
  currency: string;
  reason: string;
  /** requestHash() of the request without its key. */
  requestHash: string;
}

export type Prepared =
  /** The key was completed before: answer from the refund it created (or the stored bytes). */
  | { kind: "replay"; refundId: string | null; response: Uint8Array | null }
  /** The refund row exists and is ours to (re)send: `fresh` when this call created it. */
  | { kind: "send"; refund: RefundRow; fresh: boolean };

export function callerKeyOf(request: Pick<RefundRequest, "caller" | "idempotencyKey">): string {
  return `${request.caller}/${request.idempotencyKey}`;
}

export async function prepareRefund(ctx: AppContext, trx: Transaction<DatabaseSchema>, ref: KeyRef, request: RefundRequest): Promise<Prepared> {
  const claim = await claimKey(trx, ref, request.requestHash, ctx.settings.idempotencyLockMs);
  if (claim.kind === "completed") return { kind: "replay", refundId: claim.resourceId, response: claim.response };

  const order = await lockOrder(trx, request.orderId);
  if (order === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${request.orderId} not found`);

  // The key row may have been pruned after its retention, or a crashed call is
  // being taken over: the refund row's caller_key never expires (criterion 4).
  const callerKey = callerKeyOf(request);
  const existing = await trx.selectFrom("refunds").selectAll().where("caller_key", "=", callerKey).forUpdate().executeTakeFirst();
  if (existing !== undefined) {
    if (existing.request_hash !== request.requestHash) throw keyReused();
    await linkKey(trx, ref, existing.refund_id);
    return { kind: "send", refund: existing, fresh: false };
  }

  if (chargedMinor(order) === null) {
    const why =
      order.status === "INTEGRITY_MISMATCH"
        ? "is INTEGRITY_MISMATCH and Juspay does not report a charge in the order's currency, so there is nothing to refund through the API"
        : "is not CHARGED, so it cannot be refunded";
    throw new AppError("failed_precondition", ErrorReason.ORDER_NOT_REFUNDABLE, `order ${order.order_id} ${why}`);
  }
  if (request.currency !== order.currency) {
    // The proto's contract (RefundOrderRequest.amount, ErrorReason.AMOUNT_MISMATCH): FAILED_PRECONDITION, naming the field.
    throw new AppError("failed_precondition", ErrorReason.AMOUNT_MISMATCH, "amount.currency differs from the order's currency", {
      violations: [{ field: "amount.currency", rule: "custom", description: "must equal the order's currency" }],
    });
  }
  const refundable = refundableMinor(order, await refundsOfOrder(trx, order.order_id));
  if (request.amountMinor > refundable) {
    throw new AppError("failed_precondition", ErrorReason.REFUND_EXCEEDS_REFUNDABLE, `the refund exceeds the order's refundable amount (${refundable} minor units left)`);
  }

  const uniqueRequestId = deriveUniqueRequestId(callerKey);
  const refund = await trx
    .insertInto("refunds")
    .values({
      refund_id: refundIdFor(uniqueRequestId),
      unique_request_id: uniqueRequestId,
      order_id: order.order_id,
      amount_minor: request.amountMinor,
      currency: order.currency,
      status: "PENDING",
      reason: request.reason === "" ? null : request.reason,
      caller_key: callerKey,
      request_hash: request.requestHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await linkKey(trx, ref, refund.refund_id);
  // Whatever happens to this call from here on (timeout, crash), the job brings the row to Juspay's truth.
  const payload: RefundSyncPayload = { refundId: refund.refund_id };
  await enqueue(trx, { kind: JOB_KINDS.refundSync, payload, uniqueKey: `${JOB_KINDS.refundSync}:${refund.refund_id}`, delayMs: ctx.settings.refundSyncDelayMs });
  // Refunds are part of the order WatchOrder follows.
  await trx.updateTable("orders").set({ version: order.version + 1n, updated_at: new Date() }).where("order_id", "=", order.order_id).execute();
  await appendRefundEvent(trx, ctx.eventSubjects, "REFUND_CREATED", refund, order.customer_id);
  return { kind: "send", refund, fresh: true };
}

function keyReused(): AppError {
  return new AppError("failed_precondition", ErrorReason.IDEMPOTENCY_KEY_REUSED, "idempotency_key was already used with different parameters: use a new key for a new request");
}
