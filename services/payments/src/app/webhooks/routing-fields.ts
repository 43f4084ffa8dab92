import { createHash } from "node:crypto";
import type { WebhookEnvelope } from "@payments/juspay";

// The fields of a webhook that route it (event_name, the event id, the order,
// mandate and notification ids) go into indexed text columns, database
// queries and log lines. Postgres cannot store a NUL byte or a lone surrogate
// in text, and a btree entry over about 2.7 KB fails the insert; so a webhook
// whose routing fields are not short, printable and well-formed is not a
// Juspay webhook: it is kept as a dead letter and answered 400, before
// anything is written or logged from it (issue 15, findings 2 and 8).

/** Juspay's event names are short upper-case words (ORDER_SUCCEEDED). */
export const MAX_EVENT_NAME_BYTES = 128;
/** Juspay's ids are tens of characters; the bound leaves room for a format change and stays far under the btree limit. */
export const MAX_ROUTING_ID_BYTES = 1_024;
/** Event ids longer than this are stored in the dedup key as their hash, so the unique index stays small. */
export const MAX_PLAIN_DEDUP_ID_BYTES = 200;

// C0 and C1 controls (NUL included) and lone UTF-16 surrogates: none survives a text column or a log line.
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const UNSTORABLE = /[\u0000-\u001f\u007f-\u009f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a routing field cannot be stored ("order_id: …"), naming the field and never its content; undefined when all can. */
export function unstorableRoutingField(envelope: WebhookEnvelope): string | undefined {
  const fields: [string, string | null, number][] = [
    ["event_name", envelope.eventName, MAX_EVENT_NAME_BYTES],
    ["id", envelope.eventId, MAX_ROUTING_ID_BYTES],
    ["order_id", envelope.orderId, MAX_ROUTING_ID_BYTES],
    ["mandate_id", envelope.mandateId, MAX_ROUTING_ID_BYTES],
    ["notification.id", envelope.notificationId, MAX_ROUTING_ID_BYTES],
    ["notification.object_reference_id", envelope.notificationReferenceId, MAX_ROUTING_ID_BYTES],
  ];
  for (const [name, value, maxBytes] of fields) {
    if (value === null) continue;
    // Bytes counted without encoding the value: a huge one is refused on its length alone.
    if (value.length > maxBytes || Buffer.byteLength(value, "utf8") > maxBytes) return `${name}: longer than ${maxBytes} bytes`;
    if (UNSTORABLE.test(value)) return `${name}: contains a control character or malformed Unicode`;
  }
  return undefined;
}

/** `evt:<id>`, or `evt-sha256:<hex of the id>` for a long id; `sha256:<body hash>` when there is no id. */
export function dedupKeyOf(envelope: WebhookEnvelope): string {
  const id = envelope.eventId;
  if (id === null || Buffer.byteLength(id, "utf8") <= MAX_PLAIN_DEDUP_ID_BYTES) return envelope.dedupKey;
  return `evt-sha256:${createHash("sha256").update(id, "utf8").digest("hex")}`;
}
