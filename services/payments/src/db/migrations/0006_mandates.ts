import { sql, type Kysely } from "kysely";

// Mandates (issue 7, ADR 0013): the mandate as Juspay last showed it, the
// pre-debit notifications we sent, and the debits we requested. A debit's
// payment status lives on its orders row (order_type MANDATE_EXECUTION); its
// execution row records what was asked. Notifications and executions are
// written before Juspay hears of them; their ids are what goes to Juspay on
// every attempt, so the unique keys here are what stops a second
// notification or a second debit.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("mandates")
    .addColumn("mandate_id", "text", (c) => c.primaryKey().check(sql`mandate_id ~ '^[A-Za-z0-9_-]{1,64}$'`))
    .addColumn("customer_id", "text", (c) => c.notNull())
    // Empty for mandates registered outside this service (seen in Juspay's list).
    .addColumn("registration_order_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_raw", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("mandate_token", "text")
    .addColumn("mandate_type", "text")
    .addColumn("max_amount_minor", "bigint", (c) => c.check(sql`max_amount_minor > 0`))
    .addColumn("currency", "text", (c) => c.notNull().defaultTo("INR").check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn("amount_rule", "text")
    .addColumn("frequency", "text")
    .addColumn("rule_type", "text")
    .addColumn("rule_value", "integer")
    .addColumn("start_at", "timestamptz")
    .addColumn("end_at", "timestamptz")
    .addColumn("revokable_by_customer", "boolean")
    .addColumn("block_funds", "boolean")
    .addColumn("payment_method_type", "text")
    .addColumn("payment_method", "text")
    .addColumn("activated_at", "timestamptz")
    .addColumn("pause_start_at", "timestamptz")
    .addColumn("pause_end_at", "timestamptz")
    // Juspay's last_updated of the report applied last: an older report does not flip ACTIVE and PAUSED.
    .addColumn("juspay_updated_at", "timestamptz")
    .addColumn("version", "bigint", (c) => c.notNull().defaultTo(1))
    .addColumn("last_synced_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("mandates_customer_idx").on("mandates").columns(["customer_id", "created_at", "mandate_id"]).execute();
  await db.schema.createIndex("mandates_registration_order_idx").on("mandates").column("registration_order_id").execute();

  await db.schema
    .createTable("mandate_notifications")
    // Ours, sent to Juspay as object_reference_id on every attempt.
    .addColumn("notification_id", "text", (c) => c.primaryKey().check(sql`notification_id ~ '^[A-Za-z0-9_-]{1,64}$'`))
    .addColumn("juspay_notification_id", "text")
    .addColumn("mandate_id", "text", (c) => c.notNull().references("mandates.mandate_id"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("PENDING"))
    .addColumn("status_raw", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("amount_minor", "bigint", (c) => c.notNull().check(sql`amount_minor > 0`))
    .addColumn("currency", "text", (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn("debit_at", "timestamptz", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("provider_name", "text")
    .addColumn("response_code", "text")
    .addColumn("response_message", "text")
    // What the notification was created with: the same id with other parameters is refused.
    .addColumn("request_hash", "text", (c) => c.notNull())
    // Juspay has shown it holds the notification; until then a sync may resend it (same id).
    .addColumn("acknowledged", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("settled_at", "timestamptz")
    .addColumn("last_synced_at", "timestamptz")
    .execute();
  await db.schema.createIndex("mandate_notifications_mandate_idx").on("mandate_notifications").column("mandate_id").execute();

  await db.schema
    .createTable("mandate_executions")
    .addColumn("order_id", "text", (c) => c.primaryKey().references("orders.order_id"))
    .addColumn("mandate_id", "text", (c) => c.notNull().references("mandates.mandate_id"))
    .addColumn("notification_id", "text", (c) => c.references("mandate_notifications.notification_id"))
    .addColumn("execute_at", "timestamptz")
    .addColumn("display_invoice_number", "text")
    // "<caller>/<idempotency key>": one debit per caller key, for ever.
    .addColumn("caller_key", "text", (c) => c.notNull().unique())
    .addColumn("request_hash", "text", (c) => c.notNull())
    // Juspay has shown it holds the debit order; until then a sync may resend it (same order id).
    .addColumn("acknowledged", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("mandate_executions_mandate_idx").on("mandate_executions").column("mandate_id").execute();
  await db.schema.createIndex("payment_events_mandate_id_idx").on("payment_events").columns(["mandate_id", "cursor"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("payment_events_mandate_id_idx").execute();
  await db.schema.dropTable("mandate_executions").execute();
  await db.schema.dropTable("mandate_notifications").execute();
  await db.schema.dropTable("mandates").execute();
}
