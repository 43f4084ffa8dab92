import { JuspayDuplicateError, JuspayNotFoundError, isJuspayError, type JuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findNotification, type NotificationRow } from "../../../db/mandates-repository.js";
import { toJuspayMinor } from "../../../domain/money.js";
import { juspayCallBudget } from "../../call-budget.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../errors.js";
import { completeKey, scopeOf, type KeyRef } from "../../idempotency.js";
import { isDefiniteRefusal } from "../../juspay-refusal.js";
import type { CallBudget } from "../../ports.js";
import { applyNotification } from "./apply-notification.js";
import { markNotificationRejected } from "./reject-notification.js";
import { prepareNotification, type NotificationRequest } from "./prepare-notification.js";

// SendPreDebitNotification: at most one notification reaches Juspay per id.
// 1. The PENDING row and its sync job are committed first (prepare-notification.ts).
// 2. Juspay is called once, within the caller's deadline, with our id as
//    object_reference_id; its answer is applied. A refusal is checked with
//    GET /notifications/:id (an earlier attempt may have created it): only a
//    notification Juspay does not hold becomes FAILURE. A lost answer leaves
//    it PENDING for notification.sync.
// 3. The key is completed, linked to the row: replays answer its current state.

export async function sendPreDebitNotification(ctx: AppContext, request: NotificationRequest, budget: CallBudget): Promise<NotificationRow> {
  const ref: KeyRef = { scope: scopeOf(request.caller, "SendPreDebitNotification"), key: request.idempotencyKey };
  const prepared = await ctx.db.transaction().execute((trx) => prepareNotification(ctx, trx, ref, request));
  if (prepared.kind === "replay") {
    const stored = prepared.notificationId === null ? undefined : await findNotification(ctx.db, prepared.notificationId);
    if (stored === undefined) throw new AppError("internal", ErrorReason.INTERNAL, "the stored outcome of this idempotency_key cannot be read");
    return stored;
  }
  let notification = prepared.notification;
  if (!notification.acknowledged && notification.status === "PENDING") {
    notification = await deliverNotification(ctx, notification, prepared.customerId, juspayCallBudget(budget));
  }
  await completeKey(ctx.db, ref, null, notification.notification_id);
  return notification;
}

/** Sends the row to Juspay (same id every time) and records what the answer proves. Also used by the sync job. */
export async function deliverNotification(ctx: AppContext, row: NotificationRow, customerId: string, budget: CallBudget): Promise<NotificationRow> {
  const options = { signal: budget.signal, deadline: budget.deadline, routingId: customerId };
  try {
    const answer = await ctx.juspay.mandates.preDebitNotify(
      row.mandate_id,
      {
        objectReferenceId: row.notification_id,
        amountMinor: toJuspayMinor(row.amount_minor),
        currency: row.currency,
        txnDate: row.debit_at,
        ...(row.description !== null ? { description: row.description } : {}),
      },
      options,
    );
    return (await applyNotification(ctx, row.notification_id, answer)) ?? row;
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    // Juspay already holds our id (an earlier attempt whose answer was lost): read it.
    if (err instanceof JuspayDuplicateError) return checkBeforeFailing(ctx, row, null, budget, customerId);
    if (isDefiniteRefusal(err)) return checkBeforeFailing(ctx, row, err, budget, customerId);
    ctx.logger.warn({ notificationId: row.notification_id, err: err.toJSON() }, "pre-debit notification outcome unknown: left PENDING for notification.sync");
    return (await findNotification(ctx.db, row.notification_id)) ?? row;
  }
}

/** Juspay refused: if it holds our id anyway (an earlier attempt), that is the truth; else a refusal fails the notification. */
async function checkBeforeFailing(ctx: AppContext, row: NotificationRow, refusal: JuspayError | null, budget: CallBudget, customerId: string): Promise<NotificationRow> {
  try {
    const held = await ctx.juspay.notifications.status(row.notification_id, { signal: budget.signal, deadline: budget.deadline, routingId: customerId, currency: row.currency });
    return (await applyNotification(ctx, row.notification_id, held)) ?? row;
  } catch (err) {
    if (err instanceof JuspayNotFoundError && refusal !== null) return markNotificationRejected(ctx, row, refusal);
    if (!isJuspayError(err)) throw err;
    // Cannot tell: stays PENDING, the sync job looks again.
    return (await findNotification(ctx.db, row.notification_id)) ?? row;
  }
}
