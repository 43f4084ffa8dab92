import { sql, type Kysely } from "kysely";

// Issue 17, point 3: Juspay wants a customer created (Create Customer,
// object_reference_id = our customer id) before that customer's first
// mandate. A row here says Juspay holds the customer: written only after
// Juspay answered with it (created, or "already exists" and read back), so a
// failed creation leaves nothing claiming it exists. One row per customer, so
// later registrations make no call.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("juspay_customers")
    .addColumn("customer_id", "text", (c) => c.primaryKey())
    .addColumn("juspay_customer_id", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("juspay_customers").execute();
}
