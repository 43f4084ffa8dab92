import { sql, type Kysely } from "kysely";

// Issue 15 finding 7 (ADR 0025). Two facts an order row lacked:
// - signed_payload_expires_at: until when Juspay may still accept the last
//   signed process payload (signed for amount_minor); UpdateOrder refuses an
//   amount change before then, so no payment for the old amount can arrive
//   after our row moved on.
// - charged_amount_minor: what Juspay reports it charged for an order flagged
//   INTEGRITY_MISMATCH. Its refunds are bounded by that, never by our amount,
//   so the refunded total may exceed amount_minor when Juspay charged more.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("orders")
    .addColumn("signed_payload_expires_at", "timestamptz")
    .addColumn("charged_amount_minor", "bigint", (c) => c.check(sql`charged_amount_minor > 0`))
    .execute();
  await sql`alter table orders drop constraint orders_refunded_within_amount`.execute(db);
  await sql`alter table orders add constraint orders_refunded_within_charge check (amount_refunded_minor <= coalesce(charged_amount_minor, amount_minor))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders drop constraint orders_refunded_within_charge`.execute(db);
  await sql`alter table orders add constraint orders_refunded_within_amount check (amount_refunded_minor <= amount_minor)`.execute(db);
  await db.schema.alterTable("orders").dropColumn("charged_amount_minor").dropColumn("signed_payload_expires_at").execute();
}
