import { sql, type Kysely } from "kysely";

// The normalized payment events other services consume (StreamPaymentEvents):
// an append-only outbox written in the same transaction as the state change
// it reports. The cursor is an identity column; appends are serialized by a
// transaction-level advisory lock, so cursor order is commit order and a
// reader that has seen cursor N can never later find a smaller one appear.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("payment_events")
    .addColumn("cursor", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // Derived from what happened (type + subject + version): a repeat of the same change is not a second event.
    .addColumn("event_id", "text", (c) => c.notNull().unique())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("order_id", "text")
    .addColumn("mandate_id", "text")
    .addColumn("customer_id", "text")
    .addColumn("subject_kind", "text", (c) => c.notNull().check(sql`subject_kind in ('order', 'refund', 'mandate', 'notification')`))
    // payments.v1 Order / Refund / ... in protobuf binary, as it was when the event happened.
    .addColumn("subject", "bytea", (c) => c.notNull())
    .addColumn("webhook_event_id", "text")
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("payment_events_order_id_idx").on("payment_events").columns(["order_id", "cursor"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("payment_events").execute();
}
