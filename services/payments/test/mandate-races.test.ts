import { decodeMandate } from "@payments/juspay";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMandate, applyMandateInTransaction } from "../src/app/mandates/apply-mandate.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// A new mandate can reach us by two paths at once (the registration order's
// status and a MANDATE_* webhook, on two replicas). The second first-sight
// must wait for the first and update the row it wrote: no unique-key failure
// (a failed webhook or an INTERNAL answer), one row, one event per change.
// Needs real concurrent transactions: PostgreSQL only (PGlite has one connection).

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

const postgres = process.env["DATABASE_URL"] !== undefined;
const db = () => stack.database.database.db;

function reported(mandateId: string, status: string) {
  return decodeMandate({ mandate_id: mandateId, status, customer_id: "cust_race", order_id: "mraceorder", max_amount: "100.00", amount_rule: "VARIABLE", currency: "INR" });
}

describe.runIf(postgres)("first sight of a mandate on two connections at once", () => {
  it("the second waits for the first, then updates its row: one row, CREATED then ACTIVATED announced once each", async () => {
    const ctx = stack.service.app;
    let releaseFirst!: () => void;
    let firstApplied!: () => void;
    const applied = new Promise<void>((r) => (firstApplied = r));
    const first = db()
      .transaction()
      .execute(async (trx) => {
        await applyMandateInTransaction(ctx, trx, reported("mdtrace1", "CREATED"));
        firstApplied();
        // Keep the insert uncommitted while the second report arrives.
        await new Promise<void>((r) => (releaseFirst = r));
      });
    await applied;
    const second = applyMandate(ctx, reported("mdtrace1", "ACTIVE"));
    // The second is blocked on the first's uncommitted row.
    await eventually(async () => {
      const waiting = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db());
      return Number(waiting.rows[0]?.n) > 0 ? true : undefined;
    }, 5_000, "the second report to wait for the first's row");
    releaseFirst();
    await first;
    const result = await second;
    expect(result?.mandate.status).toBe("ACTIVE");
    const rows = await db().selectFrom("mandates").select("status").where("mandate_id", "=", "mdtrace1").execute();
    expect(rows).toEqual([{ status: "ACTIVE" }]);
    const events = await db().selectFrom("payment_events").select("type").where("mandate_id", "=", "mdtrace1").orderBy("cursor").execute();
    expect(events.map((e) => e.type)).toEqual(["MANDATE_CREATED", "MANDATE_ACTIVATED"]);
  });
});
