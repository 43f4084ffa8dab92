import { sql, type Kysely } from "kysely";

// Juspay webhooks, stored before they are acknowledged (issue 6). The unique
// dedup key is what makes Juspay's re-sends (retries for 24 h, duplicates,
// any order) land on one row; the Juspay event id is unique on its own too,
// so no code path can store one Juspay event twice (criterion 25). Bodies that
// are not webhooks go to a small dead-letter table keyed by their hash, so a
// sender repeating garbage cannot grow it (criterion 27).

export const WEBHOOK_EVENT_STATES = ["RECEIVED", "PROCESSED", "UNMATCHED", "FAILED", "IGNORED", "MALFORMED"] as const;
const MAX_BODY_BYTES = 262_144;

export async function up(db: Kysely<unknown>): Promise<void> {
  const states = sql.join(WEBHOOK_EVENT_STATES.map((s) => sql.lit(s)));
  await db.schema
    .createTable("webhook_events")
    .addColumn("event_id", "text", (c) => c.primaryKey().check(sql`event_id ~ '^[A-Za-z0-9_-]{1,64}$'`))
    .addColumn("dedup_key", "text", (c) => c.notNull().unique())
    .addColumn("juspay_event_id", "text")
    .addColumn("event_name", "text", (c) => c.notNull())
    .addColumn("order_id", "text")
    .addColumn("mandate_id", "text")
    .addColumn("state", "text", (c) => c.notNull().defaultTo("RECEIVED").check(sql`state in (${states})`))
    .addColumn("body", "bytea", (c) => c.notNull().check(sql`octet_length(body) <= ${sql.lit(MAX_BODY_BYTES)}`))
    .addColumn("juspay_create_time", "timestamptz")
    .addColumn("receive_time", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("process_time", "timestamptz")
    .addColumn("delivery_count", "integer", (c) => c.notNull().defaultTo(1).check(sql`delivery_count >= 1`))
    .addColumn("attempt_count", "integer", (c) => c.notNull().defaultTo(0).check(sql`attempt_count >= 0`))
    .addColumn("last_error", "text")
    .execute();
  await sql`create unique index webhook_events_juspay_event_id_key on webhook_events (juspay_event_id) where juspay_event_id is not null`.execute(db);
  // ListWebhookEvents pages newest first by (receive_time, event_id) under each filter.
  await db.schema.createIndex("webhook_events_receive_time_idx").on("webhook_events").columns(["receive_time", "event_id"]).execute();
  await db.schema.createIndex("webhook_events_order_id_idx").on("webhook_events").columns(["order_id", "receive_time"]).execute();
  await db.schema.createIndex("webhook_events_mandate_id_idx").on("webhook_events").columns(["mandate_id", "receive_time"]).execute();
  await db.schema.createIndex("webhook_events_event_name_idx").on("webhook_events").columns(["event_name", "receive_time"]).execute();
  await db.schema.createIndex("webhook_events_state_idx").on("webhook_events").columns(["state", "receive_time"]).execute();

  await db.schema
    .createTable("webhook_dead_letters")
    .addColumn("body_hash", "text", (c) => c.primaryKey().check(sql`body_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn("body", "bytea", (c) => c.notNull().check(sql`octet_length(body) <= ${sql.lit(MAX_BODY_BYTES)}`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("first_seen", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_seen", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(1).check(sql`count >= 1`))
    .execute();
  // The bound is kept by deleting the least recently seen rows.
  await db.schema.createIndex("webhook_dead_letters_last_seen_idx").on("webhook_dead_letters").column("last_seen").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhook_dead_letters").execute();
  await db.schema.dropTable("webhook_events").execute();
}
