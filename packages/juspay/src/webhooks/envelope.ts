import { createHash } from "node:crypto";

// Parses a Juspay webhook body (reference §4.2): `{id, event_name,
// date_created, content: {order | txn | mandate | notification}}`. It only
// pulls out what routing and deduplication need; the raw content is kept for
// the caller's own decoding. Lenient on purpose (extra keys, numbers where
// strings are usual, malformed dates): a webhook we cannot route must still be
// stored, not dropped. Never throws.

export type WebhookContentKind = "order" | "txn" | "mandate" | "notification" | "unknown";

export interface WebhookRefundRef {
  /** Juspay's refund id; null until the gateway assigned one. */
  id: string | null;
  /** Our refund idempotency key. */
  uniqueRequestId: string | null;
  status: string | null;
}

export interface WebhookEnvelope {
  /** `evt_V2_…`; null when the body has no usable id. */
  eventId: string | null;
  eventName: string;
  dateCreatedRaw: string | null;
  /** null when date_created is absent or unparseable. */
  dateCreated: Date | null;
  kind: WebhookContentKind;
  /** From content.order, content.txn or content.mandate. */
  orderId: string | null;
  /** From content.mandate, content.order.mandate or content.notification.mandate. */
  mandateId: string | null;
  /** Juspay's notification id (content.notification.id). */
  notificationId: string | null;
  /** Our pre-debit notification id (content.notification.object_reference_id). */
  notificationReferenceId: string | null;
  /** content.order.refunds[], in order. */
  refunds: WebhookRefundRef[];
  /** `evt:<id>`, or `sha256:<hex of the raw body>` when there is no id. */
  dedupKey: string;
  /** The parsed `content` as received (undefined when absent). */
  content: unknown;
}

export type WebhookParseErrorCode = "too_large" | "not_utf8" | "not_json" | "not_object" | "missing_event_name";

export interface WebhookParseError {
  code: WebhookParseErrorCode;
  message: string;
  /** Hash of the raw body, for dead-letter dedup. */
  bodySha256: string;
}

export type WebhookParseResult = { ok: true; value: WebhookEnvelope } | { ok: false; error: WebhookParseError };

export interface ParseWebhookOptions {
  /** Larger bodies are refused before parsing; default 1 MiB. */
  maxBytes?: number;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const child = (value: unknown, key: string): Obj | undefined => (isObject(value) && isObject(value[key]) ? (value[key] as Obj) : undefined);

/** A non-empty id as a string; ids sometimes arrive as numbers. */
function idOf(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

const first = (...values: unknown[]): string | null => {
  for (const value of values) {
    const id = idOf(value);
    if (id !== null) return id;
  }
  return null;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** ISO-8601 (what Juspay sends) or epoch seconds / milliseconds; else null. */
export function parseWebhookDate(raw: string | null): Date | null {
  if (raw === null) return null;
  let ms: number;
  if (ISO_DATE.test(raw)) ms = Date.parse(raw);
  else if (/^\d{10}$/.test(raw)) ms = Number(raw) * 1000;
  else if (/^\d{13}$/.test(raw)) ms = Number(raw);
  else return null;
  return Number.isNaN(ms) ? null : new Date(ms);
}

function kindOf(content: unknown): WebhookContentKind {
  for (const kind of ["order", "txn", "mandate", "notification"] as const) if (child(content, kind)) return kind;
  return "unknown";
}

function refundsOf(order: Obj | undefined): WebhookRefundRef[] {
  const refunds = order?.["refunds"];
  if (!Array.isArray(refunds)) return [];
  return refunds.filter(isObject).map((r) => ({
    id: idOf(r["id"]),
    uniqueRequestId: idOf(r["unique_request_id"]),
    status: typeof r["status"] === "string" ? r["status"] : null,
  }));
}

const fail = (code: WebhookParseErrorCode, message: string, bodySha256: string): WebhookParseResult => ({ ok: false, error: { code, message, bodySha256 } });

export function parseWebhookEnvelope(rawBody: Buffer | string, options: ParseWebhookOptions = {}): WebhookParseResult {
  const bytes = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.isBuffer(rawBody) ? rawBody : Buffer.alloc(0);
  const bodySha256 = createHash("sha256").update(bytes).digest("hex");
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  if (bytes.length > maxBytes) return fail("too_large", `body is ${bytes.length} bytes (limit ${maxBytes})`, bodySha256);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("not_utf8", "body is not valid UTF-8", bodySha256);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail("not_json", "body is not JSON", bodySha256);
  }
  if (!isObject(body)) return fail("not_object", "body is not a JSON object", bodySha256);
  const eventName = body["event_name"];
  if (typeof eventName !== "string" || eventName.trim() === "") return fail("missing_event_name", "event_name is missing or not a non-empty string", bodySha256);

  const content = body["content"];
  const order = child(content, "order");
  const txn = child(content, "txn");
  const mandate = child(content, "mandate");
  const notification = child(content, "notification");
  const eventId = idOf(body["id"]);
  const dateCreatedRaw = typeof body["date_created"] === "string" ? body["date_created"] : null;
  return {
    ok: true,
    value: {
      eventId,
      eventName,
      dateCreatedRaw,
      dateCreated: parseWebhookDate(dateCreatedRaw),
      kind: kindOf(content),
      orderId: first(order?.["order_id"], txn?.["order_id"], mandate?.["order_id"]),
      mandateId: first(mandate?.["mandate_id"], child(order, "mandate")?.["mandate_id"], child(notification, "mandate")?.["mandate_id"], txn?.["mandate_id"]),
      notificationId: idOf(notification?.["id"]),
      notificationReferenceId: idOf(notification?.["object_reference_id"]),
      refunds: refundsOf(order),
      dedupKey: eventId !== null ? `evt:${eventId}` : `sha256:${bodySha256}`,
      content,
    },
  };
}
