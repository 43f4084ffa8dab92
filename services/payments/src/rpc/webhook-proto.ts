import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { WebhookEventSchema, type WebhookEvent } from "@payments/proto/payments/v1/webhook_service_pb";
import type { WebhookEventStateName } from "../db/schema.js";
import type { WebhookEventRow } from "../db/webhook-events-repository.js";

// Stored webhook events as payments.v1 messages. States are stored as the
// enum names without their WEBHOOK_EVENT_STATE_ prefix.

export function webhookStateOf(name: WebhookEventStateName): WebhookEventState {
  return WebhookEventState[name];
}

/** The stored name of a (validated, non-UNSPECIFIED) state filter. */
export function webhookStateName(state: WebhookEventState): WebhookEventStateName | undefined {
  const name = WebhookEventState[state] as string | undefined;
  return name === undefined || name === "UNSPECIFIED" ? undefined : (name as WebhookEventStateName);
}

/** The body only when asked for: it may carry customer PII. */
export function webhookEventToProto(row: WebhookEventRow, includeBody: boolean): WebhookEvent {
  return create(WebhookEventSchema, {
    eventId: row.event_id,
    juspayEventId: row.juspay_event_id ?? "",
    eventName: row.event_name,
    dedupKey: row.dedup_key,
    state: webhookStateOf(row.state),
    orderId: row.order_id ?? "",
    mandateId: row.mandate_id ?? "",
    juspayCreateTime: row.juspay_create_time ? timestampFromDate(row.juspay_create_time) : undefined,
    receiveTime: timestampFromDate(row.receive_time),
    processTime: row.process_time ? timestampFromDate(row.process_time) : undefined,
    deliveryCount: row.delivery_count,
    attemptCount: row.attempt_count,
    lastError: row.last_error ?? "",
    body: includeBody ? row.body : new Uint8Array(0),
  });
}
