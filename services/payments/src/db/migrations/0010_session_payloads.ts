import { sql, type Kysely } from "kysely";

// Issue 17, point 8. Juspay's Session API creates the order and answers its
// sdk_payload once: a second /session for the order is DUPLICATE_ORDER_ID
// (the simulator; Juspay documents nothing either way). The payload we got is
// kept here so a later SESSION-flavour call for the same order (the caller
// retrying after our answer was lost, the customer retrying) gets it back
// while it is valid. It holds a client auth token, so a row lives only until
// the payload's expiry (the idempotency cleanup deletes it after that) and
// nothing of it is ever logged.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("session_payloads")
    .addColumn("order_id", "text", (c) => c.primaryKey().references("orders.order_id"))
    // The exact JSON handed to the app (HyperServices.process), byte for byte.
    .addColumn("payload_json", "text", (c) => c.notNull())
    .addColumn("request_id", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("web_payment_url", "text", (c) => c.notNull())
    .addColumn("juspay_order_id", "text", (c) => c.notNull())
    // Juspay's sdk_payload.expiry (or the client auth token's): never reused after it.
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("session_payloads_expires_at_idx").on("session_payloads").column("expires_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("session_payloads").execute();
}
