import { create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import { PaymentEventSchema, PaymentEventType, type PaymentEvent } from "@payments/proto/payments/v1/events_pb";
import { MandateSchema, PreDebitNotificationSchema } from "@payments/proto/payments/v1/mandate_pb";
import { OrderSchema, RefundSchema } from "@payments/proto/payments/v1/order_pb";
import { StreamHeartbeatSchema, StreamPaymentEventsResponseSchema, type StreamPaymentEventsRequest, type StreamPaymentEventsResponse } from "@payments/proto/payments/v1/webhook_service_pb";
import type { AppContext } from "../app/context.js";
import { streamPaymentEvents, type PaymentEventRow } from "../app/events/stream-payment-events.js";

// WebhookService.StreamPaymentEvents: the outbox rows as payments.v1
// PaymentEvent messages, or heartbeats, until the caller goes away.

export function streamPaymentEventsHandler(app: AppContext) {
  return async function* (req: StreamPaymentEventsRequest, ctx: HandlerContext): AsyncIterable<StreamPaymentEventsResponse> {
    const after = req.start.case === "fromNow" && req.start.value ? "now" : req.start.case === "afterCursor" ? req.start.value : 0n;
    const types = req.types.filter((t) => t !== PaymentEventType.UNSPECIFIED).map((t) => PaymentEventType[t]);
    for await (const item of streamPaymentEvents(app, { after, types, signal: ctx.signal })) {
      yield create(StreamPaymentEventsResponseSchema, {
        message:
          item.kind === "event"
            ? { case: "event", value: paymentEventToProto(item.event) }
            : { case: "heartbeat", value: create(StreamHeartbeatSchema, { cursor: item.cursor, sendTime: timestampNow() }) },
      });
    }
  };
}

export function paymentEventToProto(row: PaymentEventRow): PaymentEvent {
  const type = PaymentEventType[row.type as keyof typeof PaymentEventType] ?? PaymentEventType.UNSPECIFIED;
  return create(PaymentEventSchema, {
    cursor: row.cursor,
    eventId: row.event_id,
    type,
    occurTime: timestampFromDate(row.occurred_at),
    orderId: row.order_id ?? "",
    mandateId: row.mandate_id ?? "",
    customerId: row.customer_id ?? "",
    webhookEventId: row.webhook_event_id ?? "",
    subject: subjectOf(row),
  });
}

function subjectOf(row: PaymentEventRow): PaymentEvent["subject"] {
  switch (row.subject_kind) {
    case "order":
      return { case: "order", value: fromBinary(OrderSchema, row.subject) };
    case "refund":
      return { case: "refund", value: fromBinary(RefundSchema, row.subject) };
    case "mandate":
      return { case: "mandate", value: fromBinary(MandateSchema, row.subject) };
    case "notification":
      return { case: "notification", value: fromBinary(PreDebitNotificationSchema, row.subject) };
  }
}
