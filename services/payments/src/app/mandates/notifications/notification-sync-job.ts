import { findMandate } from "../../../db/mandates-repository.js";
import { isFinalNotificationStatus } from "../../../domain/notification-status.js";
import { nextSyncDelayMs } from "../../../domain/sync-schedule.js";
import type { NotificationSyncPayload } from "../../../jobs/kinds.js";
import { JobSnooze, type JobHandler } from "../../../jobs/worker.js";
import type { AppContext } from "../../context.js";
import { refreshNotification } from "./refresh-notification.js";
import { deliverNotification } from "./send-notification.js";

// Brings a pre-debit notification to SUCCESS or FAILURE: reads Juspay on a
// widening schedule; a notification Juspay does not hold and never
// acknowledged (the first send was lost on the way) is sent again with the
// same id, which Juspay refuses to duplicate.

export function notificationSyncJob(ctx: AppContext): JobHandler {
  return async (job, { signal }) => {
    const { notificationId } = job.payload as NotificationSyncPayload;
    const refreshed = await refreshNotification(ctx, notificationId, { signal });
    let row = refreshed.notification;
    if (refreshed.unknownAtJuspay && !row.acknowledged) {
      const mandate = await findMandate(ctx.db, row.mandate_id);
      row = await deliverNotification(ctx, row, mandate?.customer_id ?? "", { signal });
    }
    if (isFinalNotificationStatus(row.status)) return;
    const ageMs = Date.now() - row.created_at.getTime();
    if (ageMs > ctx.settings.orderSyncMaxAgeMs) {
      ctx.logger.warn({ notificationId, status: row.status }, "notification sync stopped: still not final (webhooks still apply)");
      return;
    }
    throw new JobSnooze(nextSyncDelayMs(ageMs, ctx.settings.orderSyncDelayMs, ctx.settings.syncMaxIntervalMs));
  };
}
