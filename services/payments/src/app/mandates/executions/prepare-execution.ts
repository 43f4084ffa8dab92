import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { Transaction } from "kysely";
import { lockMandate, lockNotification, type ExecutionRow, type MandateRow } from "../../../db/mandates-repository.js";
import { findOrder, storedOrderIdIgnoringCase, type OrderRow } from "../../../db/orders-repository.js";
import type { DatabaseSchema } from "../../../db/schema.js";
import { debitAmountViolation, executionTimeViolation } from "../../../domain/mandate-debit-rules.js";
import { JOB_KINDS, type ExecutionSyncPayload } from "../../../jobs/kinds.js";
import { enqueue } from "../../../jobs/queue.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../errors.js";
import { claimKey, linkKey, type KeyRef } from "../../idempotency.js";
import { orderIdDiffersOnlyInCase } from "../../order-id-case.js";
import { ruleViolated, stateInvalid } from "../mandate-errors.js";
import { mandateNotFound } from "../refresh-mandate.js";

// ExecuteMandate's first transaction: everything that must be durable before
// Juspay hears of the debit. The key is claimed, the mandate row locked and
// checked against its terms (ACTIVE, amount, execution time, the linked
// notification), the debit order written PENDING (order_type
// MANDATE_EXECUTION) with its execution row, and execution.sync scheduled. A
// failed check rolls everything back, the claim included: nothing is stored
// and Juspay is not called.

export interface ExecutionRequest {
  caller: string;
  idempotencyKey: string;
  requestHash: string;
  mandateId: string;
  orderId: string;
  amountMinor: bigint;
  currency: string;
  executeAt: Date | null;
  notificationId: string | null;
  displayInvoiceNumber: string | null;
}

export type PreparedExecution =
  | { kind: "replay"; orderId: string | null }
  | { kind: "send"; execution: ExecutionRow; order: OrderRow };

export function callerKeyOf(request: Pick<ExecutionRequest, "caller" | "idempotencyKey">): string {
  return `${request.caller}/${request.idempotencyKey}`;
}

export async function prepareExecution(ctx: AppContext, trx: Transaction<DatabaseSchema>, ref: KeyRef, request: ExecutionRequest): Promise<PreparedExecution> {
  const claim = await claimKey(trx, ref, request.requestHash, ctx.settings.idempotencyLockMs);
  if (claim.kind === "completed") return { kind: "replay", orderId: claim.resourceId };

  // The key row may have been pruned after its retention: the execution's caller_key never expires.
  const callerKey = callerKeyOf(request);
  const existing = await trx.selectFrom("mandate_executions").selectAll().where("caller_key", "=", callerKey).forUpdate().executeTakeFirst();
  if (existing !== undefined) {
    if (existing.request_hash !== request.requestHash) {
      throw new AppError("failed_precondition", ErrorReason.IDEMPOTENCY_KEY_REUSED, "idempotency_key was already used with different parameters: use a new key for a new request");
    }
    await linkKey(trx, ref, existing.order_id);
    const order = await findOrder(trx, existing.order_id);
    if (order === undefined) throw new AppError("internal", ErrorReason.INTERNAL, "the debit order of this idempotency_key is missing");
    return { kind: "send", execution: existing, order };
  }

  const taken = await storedOrderIdIgnoringCase(trx, request.orderId);
  if (taken !== undefined && taken !== request.orderId) throw orderIdDiffersOnlyInCase(request.orderId);
  if (taken !== undefined) throw debitOrderIdUsed(request.orderId);
  const mandate = await lockMandate(trx, request.mandateId);
  if (mandate === undefined) throw mandateNotFound(request.mandateId);
  await checkTerms(trx, mandate, request);

  const order = await trx
    .insertInto("orders")
    .values({
      order_id: request.orderId,
      amount_minor: request.amountMinor,
      currency: request.currency,
      customer_id: mandate.customer_id,
      status: "PENDING",
      status_raw: "",
      order_type: "MANDATE_EXECUTION",
      mandate_id: mandate.mandate_id,
    })
    // A concurrent debit (or payment) took the id, in this case or another, since the check above.
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (order === undefined) {
    const winner = await storedOrderIdIgnoringCase(trx, request.orderId);
    throw winner !== undefined && winner !== request.orderId ? orderIdDiffersOnlyInCase(request.orderId) : debitOrderIdUsed(request.orderId);
  }
  const execution = await trx
    .insertInto("mandate_executions")
    .values({
      order_id: order.order_id,
      mandate_id: mandate.mandate_id,
      notification_id: request.notificationId,
      execute_at: request.executeAt,
      display_invoice_number: request.displayInvoiceNumber,
      caller_key: callerKey,
      request_hash: request.requestHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await linkKey(trx, ref, order.order_id);
  const payload: ExecutionSyncPayload = { orderId: order.order_id };
  await enqueue(trx, { kind: JOB_KINDS.executionSync, payload, uniqueKey: `${JOB_KINDS.executionSync}:${order.order_id}`, delayMs: ctx.settings.orderSyncDelayMs });
  return { kind: "send", execution, order };
}

function debitOrderIdUsed(orderId: string): AppError {
  return new AppError("already_exists", ErrorReason.ID_ALREADY_USED, `order_id ${orderId} is already used`, {
    violations: [{ field: "order_id", rule: "custom", description: "is already used by another order: use a new order_id for every debit" }],
  });
}

async function checkTerms(trx: Transaction<DatabaseSchema>, mandate: MandateRow, request: ExecutionRequest): Promise<void> {
  if (mandate.status !== "ACTIVE") throw stateInvalid(`the mandate is ${mandate.status}: it cannot be debited`);
  const amountIssue = debitAmountViolation(mandate, { minor: request.amountMinor, currency: request.currency });
  if (amountIssue !== null) throw ruleViolated(amountIssue);
  if (request.executeAt !== null) {
    const timeIssue = executionTimeViolation(mandate, request.executeAt, new Date());
    if (timeIssue !== null) throw ruleViolated(timeIssue);
  }
  if (request.notificationId === null) return;
  const notification = await lockNotification(trx, request.notificationId);
  if (notification === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `notification ${request.notificationId} not found`);
  if (notification.mandate_id !== mandate.mandate_id) throw ruleViolated({ field: "notification_id", description: "announces a debit under another mandate" });
  if (notification.amount_minor !== request.amountMinor || notification.currency !== request.currency) {
    throw ruleViolated({ field: "notification_id", description: "announces another amount" });
  }
  if (notification.status === "FAILURE") throw ruleViolated({ field: "notification_id", description: "failed: send a new pre-debit notification" });
}
