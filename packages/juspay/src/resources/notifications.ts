import { NotificationSchema, type JuspayNotification } from "../decode/schemas/notification.js";
import type { CallOptions } from "../http/request-sender.js";
import { checkId, seg, type ResourceContext } from "./shared.js";

// GET /notifications/:id (reference §2.8): a pre-debit notification by our
// object_reference_id or Juspay's id. A read: retried.

export class NotificationsResource {
  constructor(private readonly ctx: ResourceContext) {}

  async status(notificationId: string, options?: CallOptions): Promise<JuspayNotification> {
    const op = "notifications.status";
    const id = checkId(op, "notificationId", notificationId);
    return this.ctx.sender.send({ operation: op, method: "GET", path: `/notifications/${seg(op, "notificationId", id)}`, retry: "safe", schema: NotificationSchema }, options);
  }
}
