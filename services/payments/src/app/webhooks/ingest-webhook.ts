import { createHash, randomInt } from "node:crypto";
import { parseWebhookEnvelope } from "@payments/juspay";
import type { WebhookEventStateName } from "../../db/schema.js";
import { insertOrCountDelivery } from "../../db/webhook-events-repository.js";
import { JOB_KINDS, type WebhookProcessPayload } from "../../jobs/kinds.js";
import type { AppContext } from "../context.js";
import { recordDeadLetter } from "./dead-letters.js";
import { dedupKeyOf, unstorableRoutingField } from "./routing-fields.js";

// IngestJuspayWebhook: store the raw webhook durably and deduplicated, and
// enqueue its processing in the same statement (one round trip, one commit:
// tools/bench P3), then answer. The bridge
// tells Juspay 200 only after this returns, so a stored event always has a
// processing job and an acknowledged event is never lost (criteria 28, 29).
// Nothing in the body is trusted for money here: the ids only route the
// processing, which re-reads Juspay (criterion 32).

/** The largest body we store; the RPC's field rules refuse larger ones first. */
export const MAX_WEBHOOK_BODY_BYTES = 262_144;

export interface IngestInput {
  body: Uint8Array;
}

export interface IngestResult {
  /** Empty for MALFORMED bodies (they are dead letters, not events). */
  eventId: string;
  duplicate: boolean;
  dedupKey: string;
  state: WebhookEventStateName;
  juspayEventId: string;
  eventName: string;
}

export async function ingestWebhook(ctx: AppContext, input: IngestInput): Promise<IngestResult> {
  const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const parsed = parseWebhookEnvelope(body, { maxBytes: MAX_WEBHOOK_BODY_BYTES });
  if (!parsed.ok) {
    const { code, message, bodySha256 } = parsed.error;
    return deadLetter(ctx, body, bodySha256, code, message);
  }
  // Checked before anything from the body is written or logged.
  const unstorable = unstorableRoutingField(parsed.value);
  if (unstorable !== undefined) return deadLetter(ctx, body, sha256Hex(body), "invalid_field", unstorable);

  const envelope = parsed.value;
  const eventId = newWebhookEventId();
  const outcome = await insertOrCountDelivery(
    ctx.db,
    {
      eventId,
      dedupKey: dedupKeyOf(envelope),
      juspayEventId: envelope.eventId,
      eventName: envelope.eventName,
      orderId: envelope.orderId,
      mandateId: envelope.mandateId,
      body,
      juspayCreateTime: envelope.dateCreated,
    },
    { kind: JOB_KINDS.webhookProcess, payload: { eventId } satisfies WebhookProcessPayload, uniqueKey: webhookProcessKey(eventId) },
  );
  if (outcome.inserted) ctx.wakeJobs();
  const row = outcome.row;
  ctx.logger.info(
    { webhookEventId: row.event_id, eventName: row.event_name, orderId: row.order_id, duplicate: !outcome.inserted, deliveryCount: row.delivery_count },
    outcome.inserted ? "webhook stored" : "duplicate webhook delivery counted",
  );
  return {
    eventId: row.event_id,
    duplicate: !outcome.inserted,
    dedupKey: row.dedup_key,
    state: row.state,
    juspayEventId: row.juspay_event_id ?? "",
    eventName: row.event_name,
  };
}

/** Keeps a body that is not a storable Juspay webhook as a dead letter; the bridge answers 400 (MALFORMED). */
async function deadLetter(ctx: AppContext, body: Buffer, bodySha256: string, code: string, message: string): Promise<IngestResult> {
  const count = await recordDeadLetter(ctx.db, { bodyHash: bodySha256, body, reason: `${code}: ${message}` });
  ctx.logger.warn({ bodySha256, reason: code, detail: message, count }, "webhook body is not a Juspay webhook: kept as a dead letter");
  return { eventId: "", duplicate: count > 1, dedupKey: `sha256:${bodySha256}`, state: "MALFORMED", juspayEventId: "", eventName: "" };
}

const sha256Hex = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

/** At most one live processing job per event (ingest, replay and the sweep share it). */
export function webhookProcessKey(eventId: string): string {
  return `${JOB_KINDS.webhookProcess}:${eventId}`;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** whe_ + 22 random base62 characters (about 131 bits): unguessable, never reused. */
export function newWebhookEventId(): string {
  let id = "whe_";
  for (let i = 0; i < 22; i++) id += BASE62[randomInt(62)];
  return id;
}
