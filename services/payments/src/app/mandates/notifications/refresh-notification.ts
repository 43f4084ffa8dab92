import { JuspayNotFoundError, isJuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findMandate, findNotification, type NotificationRow } from "../../../db/mandates-repository.js";
import { isFinalNotificationStatus } from "../../../domain/notification-status.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../errors.js";
import { logReadFailure, staleReasonOf, type StaleReason } from "../../orders/refresh-order.js";
import type { CallBudget } from "../../ports.js";
import { applyNotification } from "./apply-notification.js";

// GetPreDebitNotification (and the webhook and sync paths): a final
// notification is answered from Postgres; any other is read from Juspay
// first, or answered stale when Juspay cannot answer in time.

export interface RefreshedNotification {
  notification: NotificationRow;
  stale: StaleReason | null;
  /** Juspay does not hold it (never reached Juspay). */
  unknownAtJuspay: boolean;
}

export async function refreshNotification(ctx: AppContext, notificationId: string, budget: CallBudget): Promise<RefreshedNotification> {
  const row = await findNotification(ctx.db, notificationId);
  if (row === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `notification ${notificationId} not found`);
  if (isFinalNotificationStatus(row.status)) return { notification: row, stale: null, unknownAtJuspay: false };
  const mandate = await findMandate(ctx.db, row.mandate_id);
  // A foreign key keeps the mandate row; without it the read could not carry its customer's x-routing-id.
  if (mandate === undefined) throw new AppError("internal", ErrorReason.INTERNAL, `notification ${notificationId} has no mandate row`);
  try {
    const reported = await ctx.juspay.notifications.status(notificationId, { signal: budget.signal, deadline: budget.deadline, routingId: mandate.customer_id, currency: row.currency });
    return { notification: (await applyNotification(ctx, notificationId, reported)) ?? row, stale: null, unknownAtJuspay: false };
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    if (err instanceof JuspayNotFoundError) return { notification: row, stale: null, unknownAtJuspay: true };
    logReadFailure(ctx, { notificationId }, err);
    return { notification: row, stale: staleReasonOf(err), unknownAtJuspay: false };
  }
}
