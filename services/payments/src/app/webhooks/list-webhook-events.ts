import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { WebhookEventStateName } from "../../db/schema.js";
import type { WebhookEventRow } from "../../db/webhook-events-repository.js";
import type { AppContext } from "../context.js";
import { fieldError } from "../errors.js";
import { decodeKeysetToken, keysetPage } from "../page-token.js";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";

// ListWebhookEvents: stored events, newest first by (receive_time, event_id),
// paged by keyset so events arriving meanwhile never shift a page. The page
// token is scoped to a hash of the filters: a token from another filter set
// is refused rather than silently skipping or repeating events.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface WebhookEventFilter {
  orderId: string | null;
  mandateId: string | null;
  eventName: string | null;
  /** Empty = every state. */
  states: WebhookEventStateName[];
  receiveFrom: Date | null;
  /** Exclusive. */
  receiveTo: Date | null;
}

export interface WebhookEventPage {
  events: WebhookEventRow[];
  nextPageToken: string;
}

export async function listWebhookEvents(ctx: AppContext, filter: WebhookEventFilter, pageSize: number, pageToken: string): Promise<WebhookEventPage> {
  if (filter.receiveFrom !== null && filter.receiveTo !== null && filter.receiveTo <= filter.receiveFrom) {
    throw fieldError(ErrorReason.INVALID_FIELD, "receive_time_to", "custom", "must be after receive_time_from");
  }
  const size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
  const scope = filterScope(filter);
  const after = pageToken === "" ? null : decodeKeysetToken(pageToken, scope, "webhook event list (same filters)");

  let query = ctx.db
    .selectFrom("webhook_events")
    .selectAll()
    .select(sql<string>`(extract(epoch from receive_time) * 1000000)::bigint::text`.as("receive_time_us"));
  if (filter.orderId !== null) query = query.where("order_id", "=", filter.orderId);
  if (filter.mandateId !== null) query = query.where("mandate_id", "=", filter.mandateId);
  if (filter.eventName !== null) query = query.where("event_name", "=", filter.eventName);
  if (filter.states.length > 0) query = query.where("state", "in", filter.states);
  if (filter.receiveFrom !== null) query = query.where("receive_time", ">=", filter.receiveFrom);
  if (filter.receiveTo !== null) query = query.where("receive_time", "<", filter.receiveTo);
  if (after !== null) {
    const at = sql<Date>`(timestamptz 'epoch' + ${after.atUs}::bigint * interval '1 microsecond')`;
    query = query.where(sql<boolean>`(receive_time, event_id) < (${at}, ${after.id})`);
  }
  const rows = await query.orderBy("receive_time", "desc").orderBy("event_id", "desc").limit(size + 1).execute();
  const { page, nextPageToken } = keysetPage(rows, size, scope, (row) => ({ atUs: row.receive_time_us, id: row.event_id }));
  return { events: page.map(({ receive_time_us: _us, ...event }) => event), nextPageToken };
}

/** A short hash of the filters (page size and include_body may change between pages). */
function filterScope(filter: WebhookEventFilter): string {
  const canonical = JSON.stringify([
    filter.orderId,
    filter.mandateId,
    filter.eventName,
    [...new Set(filter.states)].sort(),
    filter.receiveFrom?.toISOString() ?? null,
    filter.receiveTo?.toISOString() ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}
