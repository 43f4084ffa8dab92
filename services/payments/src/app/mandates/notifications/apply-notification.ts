import { UNKNOWN, type JuspayNotification } from "@payments/juspay";
import type { Updateable } from "kysely";
import { findMandate, lockNotification, type NotificationRow } from "../../../db/mandates-repository.js";
import type { MandateNotificationsTable } from "../../../db/schema.js";
import { isFinalNotificationStatus, mayTransitionNotification, notificationEventType } from "../../../domain/notification-status.js";
import type { AppContext } from "../../context.js";
import { appendNotificationEvent } from "../../events/payment-events.js";

// Applies a pre-debit notification as Juspay reports it (its answer, GET
// /notifications/:id) to our row, under the row lock: SUCCESS and FAILURE are
// final, and a report about another amount or mandate than ours is an
// integrity problem, alerted and not applied.

/** The updated row; null when we have no row for this notification id. */
export async function applyNotification(ctx: AppContext, notificationId: string, reported: JuspayNotification): Promise<NotificationRow | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockNotification(trx, notificationId);
    if (row === undefined) return null;
    const foreign =
      (reported.amountMinor !== null && BigInt(reported.amountMinor) !== row.amount_minor) || (reported.mandateId !== null && reported.mandateId !== row.mandate_id);
    if (foreign) {
      ctx.alerts.inc("integrity_mismatch");
      ctx.logger.error({ notificationId }, "integrity mismatch: Juspay's notification with our id has another amount or mandate; ignored");
      return row;
    }
    const now = new Date();
    const status = reported.status === UNKNOWN ? "UNKNOWN" : reported.status;
    const patch: Updateable<MandateNotificationsTable> = {};
    if (mayTransitionNotification(row.status, status)) {
      patch.status = status;
      patch.status_raw = reported.statusRaw;
      if (isFinalNotificationStatus(status)) patch.settled_at = now;
    }
    const details: Partial<NotificationRow> = {
      acknowledged: true,
      juspay_notification_id: reported.id ?? row.juspay_notification_id,
      provider_name: reported.providerName ?? row.provider_name,
      response_code: reported.responseCode ?? row.response_code,
      response_message: reported.responseMessage?.slice(0, 512) ?? row.response_message,
    };
    for (const [column, value] of Object.entries(details)) {
      if (row[column as keyof NotificationRow] !== value) (patch as Record<string, unknown>)[column] = value;
    }
    if (Object.keys(patch).length === 0) {
      await trx.updateTable("mandate_notifications").set({ last_synced_at: now }).where("notification_id", "=", notificationId).execute();
      return row;
    }
    const updated = await trx
      .updateTable("mandate_notifications")
      .set({ ...patch, updated_at: now, last_synced_at: now })
      .where("notification_id", "=", notificationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const event = notificationEventType(row.status, updated.status);
    if (event !== null) {
      const mandate = await findMandate(trx, updated.mandate_id);
      await appendNotificationEvent(trx, ctx.eventSubjects, event, updated, mandate?.customer_id ?? "");
    }
    return updated;
  });
}
