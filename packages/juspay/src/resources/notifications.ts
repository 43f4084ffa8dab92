import { notificationSchemaIn, type JuspayNotification } from "../decode/schemas/notification.js";
import type { CallOptions } from "../http/request-sender.js";
import { checkId, currencyField, seg, type ResourceContext } from "./shared.js";

// GET /notifications/:id (reference §2.8): a pre-debit notification by our
// object_reference_id or Juspay's id. A read: retried.

export interface NotificationStatusOptions extends CallOptions {
  /** The mandate's currency (the amount is read in it); default INR. */
  currency?: string;
}

export class NotificationsResource {
  constructor(private readonly ctx: ResourceContext) {}

  async status(notificationId: string, options: NotificationStatusOptions = {}): Promise<JuspayNotification> {
    const op = "notifications.status";
    const id = checkId(op, "notificationId", notificationId);
    const schema = notificationSchemaIn(currencyField(op, "currency", options.currency));
    return this.ctx.sender.send({ operation: op, method: "GET", path: `/notifications/${seg(op, "notificationId", id)}`, retry: "safe", schema }, options);
  }
}
