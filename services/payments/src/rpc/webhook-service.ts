import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import {
  IngestJuspayWebhookResponseSchema,
  ListWebhookEventsResponseSchema,
  ReplayWebhookEventRequestSchema,
  ReplayWebhookEventResponseSchema,
  type WebhookService,
} from "@payments/proto/payments/v1/webhook_service_pb";
import type { AppContext } from "../app/context.js";
import { fieldError } from "../app/errors.js";
import { ingestWebhook } from "../app/webhooks/ingest-webhook.js";
import { listWebhookEvents } from "../app/webhooks/list-webhook-events.js";
import { replayWebhookEvent } from "../app/webhooks/replay-webhook-event.js";
import type { WebhookEventStateName } from "../db/schema.js";
import { requestHash } from "../domain/request-hash.js";
import { budgetOf, keyOwnerOf } from "./call-context.js";
import { streamPaymentEventsHandler } from "./payment-events-stream.js";
import { webhookEventToProto, webhookStateName, webhookStateOf } from "./webhook-proto.js";

// WebhookService: thin handlers from proto to the use cases and back. Requests
// arrive validated (field rules); errors are mapped by rpc/error-map.ts.
// IngestJuspayWebhook trusts its caller, the bridge, which has checked
// Juspay's Basic auth; service authentication arrives with issue 8, and so
// does the operator scope ListWebhookEvents' include_body will require.
// StreamPaymentEvents is built separately (app/events) and answers
// UNIMPLEMENTED until it is wired in.

export function webhookService(app: AppContext): ServiceImpl<typeof WebhookService> {
  return {
    async ingestJuspayWebhook(req) {
      // Headers, path and remote IP are not stored: Juspay puts nothing we use there, and they may carry credentials.
      // receive_time is ignored: the service stamps its own, which the caller cannot move (docs/adr/0022).
      const result = await ingestWebhook(app, { body: req.body });
      return create(IngestJuspayWebhookResponseSchema, {
        eventId: result.eventId,
        duplicate: result.duplicate,
        dedupKey: result.dedupKey,
        state: webhookStateOf(result.state),
        juspayEventId: result.juspayEventId,
        eventName: result.eventName,
      });
    },

    async listWebhookEvents(req) {
      const states: WebhookEventStateName[] = [];
      for (const [i, state] of req.states.entries()) {
        const name = webhookStateName(state);
        if (name === undefined) throw fieldError(ErrorReason.INVALID_FIELD, `states[${i}]`, "enum", "must be a WebhookEventState other than UNSPECIFIED");
        states.push(name);
      }
      const filter = {
        orderId: req.orderId || null,
        mandateId: req.mandateId || null,
        eventName: req.eventName || null,
        states,
        receiveFrom: req.receiveTimeFrom ? timestampDate(req.receiveTimeFrom) : null,
        receiveTo: req.receiveTimeTo ? timestampDate(req.receiveTimeTo) : null,
      };
      const page = await listWebhookEvents(app, filter, req.pageSize, req.pageToken);
      return create(ListWebhookEventsResponseSchema, {
        events: page.events.map((event) => webhookEventToProto(event, req.includeBody)),
        nextPageToken: page.nextPageToken,
      });
    },

    async replayWebhookEvent(req, ctx) {
      const result = await replayWebhookEvent(
        app,
        { caller: keyOwnerOf(ctx), idempotencyKey: req.idempotencyKey, eventId: req.eventId, requestHash: requestHash(ReplayWebhookEventRequestSchema, req) },
        budgetOf(ctx),
        (event) => toBinary(ReplayWebhookEventResponseSchema, create(ReplayWebhookEventResponseSchema, { event: webhookEventToProto(event, false) })),
      );
      if ("storedResponse" in result) return fromBinary(ReplayWebhookEventResponseSchema, result.storedResponse);
      return create(ReplayWebhookEventResponseSchema, { event: webhookEventToProto(result.event, false) });
    },

    streamPaymentEvents: streamPaymentEventsHandler(app),
  };
}
