import { sql, type Kysely } from "kysely";

// Issue 17, point 2. Juspay does not tell order ids apart by letter case
// ("Order ID is not case sensitive", juspay.io/in/docs/upi-plugin-sdk/flutter/miscellaneous/order-id-format):
// ABC1 and abc1 would be two rows here and one order there. Every order id we
// send to Juspay is an orders row (payment, mandate registration and mandate
// debit orders alike; mandate_executions points at its orders row), so one
// unique index on lower(order_id) makes them unique as Juspay sees them. The
// primary key stays the exact spelling: lookups by id are unchanged.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Rows that already collide would make the index fail with a bare "could not create unique index": say which.
  const collisions = await sql<{ folded: string; spellings: string }>`
    select lower(order_id) as folded, string_agg(order_id, ', ' order by order_id) as spellings
    from orders group by lower(order_id) having count(*) > 1 order by 1 limit 10`.execute(db);
  if (collisions.rows.length > 0) {
    const list = collisions.rows.map((r) => r.spellings).join("; ");
    throw new Error(`orders hold order ids that differ only in letter case (Juspay treats each group as one order): ${list}. Resolve them before this migration.`);
  }
  await sql`create unique index orders_order_id_lower_key on orders (lower(order_id))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index orders_order_id_lower_key`.execute(db);
}
