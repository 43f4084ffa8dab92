import { sql, type Kysely } from "kysely";

// Orders grow the fields Juspay reports; refunds and idempotency keys arrive.
// The constraints are the last line of defence for money: a bug in a code path
// cannot write a second refund for one caller key or one unique_request_id,
// a non-positive amount, or a refunded total above the order amount.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("orders")
    .addColumn("order_type", "text", (c) => c.notNull().defaultTo("PAYMENT").check(sql`order_type in ('PAYMENT', 'MANDATE_REGISTRATION', 'MANDATE_EXECUTION')`))
    .addColumn("status_id", "integer")
    .addColumn("juspay_order_id", "text")
    .addColumn("customer_email", "text")
    .addColumn("customer_phone", "text")
    .addColumn("description", "text")
    .addColumn("return_url", "text")
    .addColumn("udfs", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("mandate_options", "jsonb")
    .addColumn("mandate_id", "text")
    .addColumn("payment_method_type", "text")
    .addColumn("payment_method", "text")
    .addColumn("txn_id", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("amount_refunded_minor", "bigint", (c) => c.notNull().defaultTo(0).check(sql`amount_refunded_minor >= 0`))
    .addColumn("integrity_issue", "text")
    // Bumped by every change; WatchOrder's cursor across replicas.
    .addColumn("version", "bigint", (c) => c.notNull().defaultTo(1))
    .addColumn("last_synced_at", "timestamptz")
    .execute();
  await sql`alter table orders add constraint orders_refunded_within_amount check (amount_refunded_minor <= amount_minor)`.execute(db);

  await db.schema
    .createTable("refunds")
    .addColumn("refund_id", "text", (c) => c.primaryKey().check(sql`refund_id ~ '^[A-Za-z0-9_-]{1,64}$'`))
    .addColumn("unique_request_id", "text", (c) => c.notNull().unique().check(sql`unique_request_id ~ '^[A-Za-z0-9]{1,20}$'`))
    .addColumn("order_id", "text", (c) => c.notNull().references("orders.order_id"))
    .addColumn("amount_minor", "bigint", (c) => c.notNull().check(sql`amount_minor > 0`))
    .addColumn("currency", "text", (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("PENDING"))
    .addColumn("status_raw", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason", "text")
    // The caller's idempotency key, scoped by caller; never expires (criterion 4).
    .addColumn("caller_key", "text", (c) => c.notNull().unique())
    .addColumn("request_hash", "text", (c) => c.notNull())
    // True once Juspay has shown it has the refund (its answer or refunds[]);
    // until then the sync job may resend it, always with the same id.
    .addColumn("acknowledged", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("juspay_refund_id", "text")
    .addColumn("gateway_reference", "text")
    .addColumn("arn", "text")
    .addColumn("refund_type", "text")
    .addColumn("sent_to_gateway", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("settled_at", "timestamptz")
    .addColumn("last_synced_at", "timestamptz")
    .execute();
  await db.schema.createIndex("refunds_order_id_idx").on("refunds").columns(["order_id", "created_at"]).execute();

  await db.schema
    .createTable("idempotency_keys")
    // "<caller>/<rpc>": two callers, or two RPCs, never share a key.
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().defaultTo("in_flight").check(sql`state in ('in_flight', 'completed')`))
    // The serialized response (protobuf binary) once completed.
    .addColumn("response", "bytea")
    // The row the request created (e.g. a refund id), for responses built from current state.
    .addColumn("resource_id", "text")
    // An in-flight claim past this time belongs to a crashed process and may be taken over.
    .addColumn("locked_until", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("completed_at", "timestamptz")
    .addPrimaryKeyConstraint("idempotency_keys_pkey", ["scope", "key"])
    .execute();
  await db.schema.createIndex("idempotency_keys_created_at_idx").on("idempotency_keys").column("created_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("idempotency_keys").execute();
  await db.schema.dropTable("refunds").execute();
  await sql`alter table orders drop constraint orders_refunded_within_amount`.execute(db);
  for (const column of [
    "order_type", "status_id", "juspay_order_id", "customer_email", "customer_phone", "description", "return_url", "udfs",
    "mandate_options", "mandate_id", "payment_method_type", "payment_method", "txn_id", "error_code", "error_message",
    "amount_refunded_minor", "integrity_issue", "version", "last_synced_at",
  ]) {
    await db.schema.alterTable("orders").dropColumn(column).execute();
  }
}
