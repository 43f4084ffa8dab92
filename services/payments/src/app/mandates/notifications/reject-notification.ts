import type { JuspayError } from "@payments/juspay";
import { findMandate, findNotification, type NotificationRow } from "../../../db/mandates-repository.js";
import type { AppContext } from "../../context.js";
import { appendNotificationEvent } from "../../events/payment-events.js";

// A notification Juspay refused and does not hold is a failed notification:
// a status with Juspay's code, like one the provider fails later, announced
// with NOTIFICATION_FAILED. Only a row Juspay never acknowledged can fail so.

export async function markNotificationRejected(ctx: AppContext, row: NotificationRow, err: JuspayError): Promise<NotificationRow> {
  const now = new Date();
  const failed = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("mandate_notifications")
      .set({
        status: "FAILURE",
        status_raw: err.juspayStatus ?? "",
        response_code: err.errorCode ?? err.kind,
        response_message: (err.errorMessage ?? "Juspay rejected the notification").slice(0, 512),
        settled_at: now,
        updated_at: now,
      })
      .where("notification_id", "=", row.notification_id)
      .where("status", "=", "PENDING")
      .where("acknowledged", "=", false)
      .returningAll()
      .executeTakeFirst();
    if (updated !== undefined) {
      const mandate = await findMandate(trx, updated.mandate_id);
      await appendNotificationEvent(trx, ctx.eventSubjects, "NOTIFICATION_FAILED", updated, mandate?.customer_id ?? "");
    }
    return updated;
  });
  if (failed === undefined) return (await findNotification(ctx.db, row.notification_id)) ?? row;
  ctx.logger.warn({ notificationId: row.notification_id, err: err.toJSON() }, "Juspay rejected the pre-debit notification: recorded as FAILURE");
  return failed;
}
