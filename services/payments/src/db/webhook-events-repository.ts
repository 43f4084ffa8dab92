import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { enqueueForEachRow, type EnqueueOptions } from "../jobs/queue.js";
import type { DatabaseSchema, WebhookEventsTable, WebhookEventStateName } from "./schema.js";

// Queries on stored webhook events shared by ingest, processing, listing and
// replay. Every value goes in as a parameter; nothing is concatenated into SQL.

export type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;
export type WebhookEventRow = Selectable<WebhookEventsTable>;

export interface NewWebhookEvent {
  eventId: string;
  dedupKey: string;
  juspayEventId: string | null;
  eventName: string;
  orderId: string | null;
  mandateId: string | null;
  body: Uint8Array;
  juspayCreateTime: Date | null;
}

export type InsertOutcome = { inserted: true; row: WebhookEventRow } | { inserted: false; row: WebhookEventRow };

/**
 * Inserts the event together with its processing job (one statement, so one
 * round trip and one commit, and never an event without its job), or counts
 * one more delivery of the event already stored under its dedup key. A
 * concurrent first delivery makes our insert wait for its commit (ON
 * CONFLICT), so exactly one caller sees `inserted`.
 */
export async function insertOrCountDelivery(db: Db, event: NewWebhookEvent, processing: EnqueueOptions): Promise<InsertOutcome> {
  const { rows } = await sql<WebhookEventRow>`
    with inserted as (
      insert into webhook_events (event_id, dedup_key, juspay_event_id, event_name, order_id, mandate_id, body, juspay_create_time, receive_time)
      values (${event.eventId}, ${event.dedupKey}, ${event.juspayEventId}, ${event.eventName}, ${event.orderId}, ${event.mandateId},
        ${event.body}, ${event.juspayCreateTime}, now())
      on conflict (dedup_key) do nothing
      returning *
    ), job as (${enqueueForEachRow("inserted", processing)})
    select * from inserted`.execute(db);
  const inserted = rows[0];
  if (inserted !== undefined) return { inserted: true, row: inserted };
  const counted = await db
    .updateTable("webhook_events")
    .set({ delivery_count: sql<number>`delivery_count + 1` })
    .where("dedup_key", "=", event.dedupKey)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { inserted: false, row: counted };
}

export async function findWebhookEvent(db: Db, eventId: string): Promise<WebhookEventRow | undefined> {
  return db.selectFrom("webhook_events").selectAll().where("event_id", "=", eventId).executeTakeFirst();
}

export interface ProcessingOutcome {
  state: WebhookEventStateName;
  /** Null clears an earlier error. */
  lastError: string | null;
  /** Whether this outcome ends a processing attempt that counts (a Juspay read was tried). */
  countAttempt: boolean;
}

/** Records how one processing attempt ended. */
export async function recordProcessing(db: Db, eventId: string, outcome: ProcessingOutcome): Promise<WebhookEventRow | undefined> {
  return db
    .updateTable("webhook_events")
    .set({
      state: outcome.state,
      last_error: outcome.lastError,
      process_time: sql<Date>`now()`,
      attempt_count: outcome.countAttempt ? sql<number>`attempt_count + 1` : sql<number>`attempt_count`,
    })
    .where("event_id", "=", eventId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * UNMATCHED events that may match now (oldest first), for the sweep: order
 * events whose order row exists, and mandate events left unmatched for want
 * of an owner (`noOwnerReason`) whose mandate row exists. Other unmatched
 * mandate and notification events stay as they are: re-reading them would
 * only repeat the answer.
 */
export async function unmatchedNowMatchable(db: Db, noOwnerReason: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("webhook_events as e")
    .select("e.event_id")
    .where("e.state", "=", "UNMATCHED")
    .where((eb) =>
      eb.or([
        eb.and([
          eb.not(eb.or([eb("e.event_name", "like", "MANDATE\\_%"), eb("e.event_name", "like", "NOTIFICATION\\_%")])),
          eb.exists(eb.selectFrom("orders as o").select("o.order_id").whereRef("o.order_id", "=", "e.order_id")),
        ]),
        eb.and([
          eb("e.last_error", "=", noOwnerReason),
          eb.exists(eb.selectFrom("mandates as m").select("m.mandate_id").whereRef("m.mandate_id", "=", "e.mandate_id")),
        ]),
      ]),
    )
    .orderBy("e.receive_time")
    .limit(limit)
    .execute();
  return rows.map((r) => r.event_id);
}

/**
 * True when an event for `mandateId` was left UNMATCHED with `reason` (Juspay
 * said it does not know the mandate) within the last `withinMs`: processing
 * another one need not ask Juspay again. Every replica sees the same rows.
 */
export async function recentlyUnmatchedMandate(db: Db, mandateId: string, reason: string, withinMs: number): Promise<boolean> {
  const row = await db
    .selectFrom("webhook_events")
    .select("event_id")
    .where("mandate_id", "=", mandateId)
    .where("state", "=", "UNMATCHED")
    .where("last_error", "=", reason)
    .where("process_time", ">", sql<Date>`now() - ${`${withinMs} milliseconds`}::interval`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
