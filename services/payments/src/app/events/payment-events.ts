import { sql, type Transaction } from "kysely";
import type { MandateRow, NotificationRow } from "../../db/mandates-repository.js";
import type { OrderRow, RefundRow } from "../../db/orders-repository.js";
import type { DatabaseSchema, PaymentEventSubjectKind } from "../../db/schema.js";
import type { MandateEventType } from "../../domain/mandate-status.js";
import type { NotificationEventType } from "../../domain/notification-status.js";
import { currentWebhookEventId } from "./event-cause.js";
import type { OrderEventType, RefundEventType } from "../../domain/payment-event-types.js";

// Appends normalized payment events to the outbox (payment_events) inside the
// transaction that made the change, so an event exists exactly when its
// change committed. A transaction-level advisory lock serializes appends:
// cursors are then handed out in commit order, which is what lets a consumer
// resume "after cursor N" and miss nothing (ADR 0011).

/** Encodes rows as payments.v1 messages (protobuf binary); the rpc layer provides it. */
export interface EventSubjectEncoder {
  order(order: OrderRow, refunds: RefundRow[]): Uint8Array;
  refund(refund: RefundRow): Uint8Array;
  mandate(mandate: MandateRow): Uint8Array;
  notification(notification: NotificationRow): Uint8Array;
}

/** Any constant: the advisory lock key of the payment_events outbox. */
export const OUTBOX_LOCK_KEY = 0x7061_7965; // "paye"

type Trx = Transaction<DatabaseSchema>;

interface NewEvent {
  event_id: string;
  type: string;
  order_id: string | null;
  mandate_id: string | null;
  customer_id: string | null;
  subject_kind: PaymentEventSubjectKind;
  subject: Uint8Array;
}

async function append(trx: Trx, event: NewEvent): Promise<void> {
  await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_KEY})`.execute(trx);
  const row = { ...event, webhook_event_id: currentWebhookEventId() };
  await trx.insertInto("payment_events").values(row).onConflict((oc) => oc.column("event_id").doNothing()).execute();
}

export async function appendOrderEvent(trx: Trx, encoder: EventSubjectEncoder, type: OrderEventType, order: OrderRow, refunds: RefundRow[]): Promise<void> {
  await append(trx, {
    // One event per order version: a change is announced once, however often it is observed.
    event_id: `${type}:${order.order_id}:${order.version}`,
    type,
    order_id: order.order_id,
    mandate_id: order.mandate_id,
    customer_id: order.customer_id,
    subject_kind: "order",
    subject: encoder.order(order, refunds),
  });
}

export async function appendRefundEvent(trx: Trx, encoder: EventSubjectEncoder, type: RefundEventType, refund: RefundRow, customerId: string | null): Promise<void> {
  await append(trx, {
    event_id: `${type}:${refund.refund_id}`,
    type,
    order_id: refund.order_id,
    mandate_id: null,
    customer_id: customerId,
    subject_kind: "refund",
    subject: encoder.refund(refund),
  });
}

export async function appendMandateEvent(trx: Trx, encoder: EventSubjectEncoder, type: MandateEventType, mandate: MandateRow): Promise<void> {
  await append(trx, {
    event_id: `${type}:${mandate.mandate_id}:${mandate.version}`,
    type,
    order_id: mandate.registration_order_id,
    mandate_id: mandate.mandate_id,
    customer_id: mandate.customer_id,
    subject_kind: "mandate",
    subject: encoder.mandate(mandate),
  });
}

export async function appendNotificationEvent(trx: Trx, encoder: EventSubjectEncoder, type: NotificationEventType, notification: NotificationRow, customerId: string): Promise<void> {
  await append(trx, {
    // A notification reaches each final state once.
    event_id: `${type}:${notification.notification_id}`,
    type,
    order_id: null,
    mandate_id: notification.mandate_id,
    customer_id: customerId,
    subject_kind: "notification",
    subject: encoder.notification(notification),
  });
}
