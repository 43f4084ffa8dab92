import { sql, type Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import type { DatabaseSchema } from "../src/db/schema.js";
import { afterAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../src/db/migrate.js";
import { migrations } from "../src/db/migrations/index.js";
import { openTestDatabase, postgresReachable, type TestDatabase } from "./helpers/test-database.js";

// The same migrations must apply on the embedded PGlite and on a real
// PostgreSQL server and leave the same schema. The real server is DATABASE_URL
// or the local default; CI always has one, so there it is never skipped.

const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const serverUp = await postgresReachable(serverUrl);
if (!serverUp && process.env.CI) throw new Error(`CI needs PostgreSQL at ${serverUrl}`);

const opened: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(opened.map((d) => d.drop()));
});

async function migrated(url: string | undefined) {
  const test = await openTestDatabase(url);
  opened.push(test);
  const applied = await migrateToLatest(test.database.db);
  return { test, applied };
}

/**
 * Columns and constraints of the public schema, in a backend-neutral form.
 * NOT NULL is compared as the columns' is_nullable: PostgreSQL 18 (PGlite
 * 0.6) also lists it in pg_constraint (contype 'n'), older servers do not.
 */
async function describeSchema(db: Kysely<DatabaseSchema>) {
  const columns = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public'
    order by table_name, column_name`.execute(db);
  const constraints = await sql<{ table: string; name: string; type: string; definition: string }>`
    select cl.relname as table, co.conname as name, co.contype as type, pg_get_constraintdef(co.oid) as definition
    from pg_constraint co join pg_class cl on cl.oid = co.conrelid join pg_namespace n on n.oid = cl.relnamespace
    where n.nspname = 'public' and co.contype <> 'n' order by 1, 2`.execute(db);
  const indexes = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes where schemaname = 'public' order by 1`.execute(db);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}

describe("migrations", () => {
  it("apply on PGlite, all of them, and a second run applies none", async () => {
    const { test, applied } = await migrated(undefined);
    expect(applied).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(test.database.db)).toEqual([]);
  });

  it.runIf(serverUp)("apply on a real PostgreSQL server and leave the same schema as on PGlite", async () => {
    const [lite, real] = await Promise.all([migrated(undefined), migrated(serverUrl)]);
    expect(real.applied).toEqual(Object.keys(migrations));
    const [liteSchema, realSchema] = await Promise.all([describeSchema(lite.test.database.db), describeSchema(real.test.database.db)]);
    expect(realSchema.columns.length).toBeGreaterThan(0);
    expect(realSchema).toEqual(liteSchema);
  });

  it("back the API's rules with constraints (order id alphabet, positive amount, currency)", async () => {
    const { test } = await migrated(serverUp ? serverUrl : undefined);
    const db = test.database.db;
    const insert = (order_id: string, amount_minor: bigint, currency: string) =>
      db.insertInto("orders").values({ order_id, amount_minor, currency, customer_id: "c1", status: "NEW", status_raw: "" }).execute();
    await insert("ord123", 10_000n, "INR");
    await expect(insert("ord-bad!", 1n, "INR")).rejects.toThrow(/check constraint/);
    await expect(insert("ord124", 0n, "INR")).rejects.toThrow(/check constraint/);
    await expect(insert("ord125", 1n, "inr")).rejects.toThrow(/check constraint/);
    await expect(insert("ord123", 1n, "INR")).rejects.toThrow(/duplicate key|unique/);
    const row = await db.selectFrom("orders").selectAll().where("order_id", "=", "ord123").executeTakeFirstOrThrow();
    // int8 comes back as bigint on both backends: money never becomes a float.
    expect(row.amount_minor).toBe(10_000n);
  });

  it("make order ids unique without regard to letter case, as Juspay sees them (issue 17): payment and debit orders alike", async () => {
    const { test } = await migrated(serverUp ? serverUrl : undefined);
    const db = test.database.db;
    const { indexes } = await describeSchema(db);
    expect(indexes.find((i) => i.name === "orders_order_id_lower_key")?.definition).toMatch(/^CREATE UNIQUE INDEX orders_order_id_lower_key ON public\.orders USING btree \(lower\(order_id\)\)$/);
    const insert = (order_id: string, order_type: "PAYMENT" | "MANDATE_EXECUTION") =>
      db.insertInto("orders").values({ order_id, amount_minor: 100n, currency: "INR", customer_id: "c1", status: "NEW", status_raw: "", order_type }).execute();
    await insert("CaseOrd1", "PAYMENT");
    await expect(insert("caseord1", "PAYMENT")).rejects.toThrow(/duplicate key|unique/);
    await expect(insert("CASEORD1", "MANDATE_EXECUTION")).rejects.toThrow(/duplicate key|unique/);
    await insert("CaseOrd2", "MANDATE_EXECUTION");
    expect((await db.selectFrom("orders").select("order_id").orderBy("order_id").execute()).map((r) => r.order_id)).toEqual(["CaseOrd1", "CaseOrd2"]);
  });

  it("0009 refuses, naming them, order ids that already differ only in letter case", async () => {
    const test = await openTestDatabase(undefined);
    opened.push(test);
    const db = test.database.db;
    const upTo = (name: string) => new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(name);
    expect((await upTo("0007_payload_window_and_charge")).error).toBeUndefined();
    for (const order_id of ["DupA1", "dupa1"]) {
      await db.insertInto("orders").values({ order_id, amount_minor: 100n, currency: "INR", customer_id: "c1", status: "NEW", status_raw: "" }).execute();
    }
    const { error } = await upTo("0009_order_id_case_insensitive");
    expect(String(error)).toMatch(/differ only in letter case .*: DupA1, dupa1\. Resolve them/);
  });

  it("keep the money constraints (criterion 25): unique order id, unique refund ids and caller keys, positive amounts", async () => {
    const { test } = await migrated(serverUp ? serverUrl : undefined);
    const db = test.database.db;
    const { constraints } = await describeSchema(db);
    const has = (table: string, pattern: RegExp) => constraints.some((c) => c.table === table && pattern.test(c.definition));
    expect(has("orders", /^PRIMARY KEY \(order_id\)$/)).toBe(true);
    expect(has("refunds", /^UNIQUE \(unique_request_id\)$/)).toBe(true);
    expect(has("refunds", /^UNIQUE \(caller_key\)$/)).toBe(true);
    expect(has("refunds", /amount_minor > 0/)).toBe(true);
    expect(has("orders", /amount_minor > 0/)).toBe(true);
    // Juspay's charge, when recorded for an INTEGRITY_MISMATCH order, else our amount (ADR 0025).
    expect(has("orders", /amount_refunded_minor <= COALESCE\(charged_amount_minor, amount_minor\)/)).toBe(true);
    expect(has("idempotency_keys", /^PRIMARY KEY \(scope, key\)$/)).toBe(true);

    await db.insertInto("orders").values({ order_id: "ordc1", amount_minor: 1_000n, currency: "INR", customer_id: "c1", status: "CHARGED", status_raw: "CHARGED" }).execute();
    const refund = (refund_id: string, unique_request_id: string, caller_key: string, amount_minor: bigint) =>
      db.insertInto("refunds").values({ refund_id, unique_request_id, order_id: "ordc1", amount_minor, currency: "INR", caller_key, request_hash: "h" }).execute();
    await refund("rfd_a", "A1", "c/k1", 100n);
    await expect(refund("rfd_b", "A1", "c/k2", 100n)).rejects.toThrow(/duplicate key|unique/);
    await expect(refund("rfd_c", "A2", "c/k1", 100n)).rejects.toThrow(/duplicate key|unique/);
    await expect(refund("rfd_d", "A3", "c/k3", 0n)).rejects.toThrow(/check constraint/);
    await expect(refund("rfd_e", "not-alnum!", "c/k4", 1n)).rejects.toThrow(/check constraint/);
    await refund("rfd_f", "A5", "c/k5", 1n);
    expect(await db.selectFrom("refunds").select("refund_id").orderBy("refund_id").execute()).toEqual([{ refund_id: "rfd_a" }, { refund_id: "rfd_f" }]);
  });
});
