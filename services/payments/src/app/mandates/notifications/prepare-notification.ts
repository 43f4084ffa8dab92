import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { Transaction } from "kysely";
import { findMandate, lockMandate, lockNotification, type NotificationRow } from "../../../db/mandates-repository.js";
import type { DatabaseSchema } from "../../../db/schema.js";
import { debitAmountViolation, withinMandate } from "../../../domain/mandate-debit-rules.js";
import { JOB_KINDS, type NotificationSyncPayload } from "../../../jobs/kinds.js";
import { enqueue } from "../../../jobs/queue.js";
import type { AppContext } from "../../context.js";
import { AppError, fieldError } from "../../errors.js";
import { claimKey, linkKey, type KeyRef } from "../../idempotency.js";
import { mandateNotFound } from "../refresh-mandate.js";
import { ruleViolated, stateInvalid } from "../mandate-errors.js";

// SendPreDebitNotification's first transaction: everything that must be
// durable before Juspay hears of the notification. The key is claimed, the
// mandate row locked and checked (ACTIVE, amount within the mandate's terms,
// debit time ahead and within its validity), the PENDING row written with
// our id (Juspay's object_reference_id) and its sync job scheduled. A failed
// check rolls everything back, the claim included: nothing is stored and
// Juspay is not called.

export interface NotificationRequest {
  caller: string;
  idempotencyKey: string;
  /** requestHash() of the request without its key: also what "the same notification" means for its id. */
  requestHash: string;
  mandateId: string;
  notificationId: string;
  amountMinor: bigint;
  currency: string;
  debitAt: Date;
  description: string;
}

export type PreparedNotification =
  | { kind: "replay"; notificationId: string | null }
  | { kind: "send"; notification: NotificationRow; customerId: string };

export async function prepareNotification(ctx: AppContext, trx: Transaction<DatabaseSchema>, ref: KeyRef, request: NotificationRequest): Promise<PreparedNotification> {
  const claim = await claimKey(trx, ref, request.requestHash, ctx.settings.idempotencyLockMs);
  if (claim.kind === "completed") return { kind: "replay", notificationId: claim.resourceId };

  const existing = await lockNotification(trx, request.notificationId);
  if (existing !== undefined) {
    if (existing.request_hash !== request.requestHash) {
      throw new AppError("already_exists", ErrorReason.ID_ALREADY_USED, `notification_id ${request.notificationId} is already used by another notification`, {
        violations: [{ field: "notification_id", rule: "custom", description: "is already used by a notification with other parameters" }],
      });
    }
    await linkKey(trx, ref, existing.notification_id);
    // Read, not locked: locks are taken mandate first, then notification (prepare-execution.ts).
    const owner = await findMandate(trx, existing.mandate_id);
    return { kind: "send", notification: existing, customerId: owner?.customer_id ?? "" };
  }

  if (request.debitAt.getTime() <= Date.now()) throw fieldError(ErrorReason.INVALID_FIELD, "debit_time", "custom", "must be in the future");
  const mandate = await lockMandate(trx, request.mandateId);
  if (mandate === undefined) throw mandateNotFound(request.mandateId);
  if (mandate.status !== "ACTIVE") throw stateInvalid(`the mandate is ${mandate.status}: no debit can be announced`);
  const amountIssue = debitAmountViolation(mandate, { minor: request.amountMinor, currency: request.currency });
  if (amountIssue !== null) throw ruleViolated(amountIssue);
  if (!withinMandate(mandate, request.debitAt)) throw ruleViolated({ field: "debit_time", description: "must fall within the mandate's start and end" });

  const notification = await trx
    .insertInto("mandate_notifications")
    .values({
      notification_id: request.notificationId,
      mandate_id: mandate.mandate_id,
      status: "PENDING",
      amount_minor: request.amountMinor,
      currency: request.currency,
      debit_at: request.debitAt,
      description: request.description === "" ? null : request.description,
      request_hash: request.requestHash,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await linkKey(trx, ref, notification.notification_id);
  const payload: NotificationSyncPayload = { notificationId: notification.notification_id };
  await enqueue(trx, { kind: JOB_KINDS.notificationSync, payload, uniqueKey: `${JOB_KINDS.notificationSync}:${notification.notification_id}`, delayMs: ctx.settings.orderSyncDelayMs });
  return { kind: "send", notification, customerId: mandate.customer_id };
}
