import { Code } from "@connectrpc/connect";
import { errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_KINDS } from "../src/jobs/kinds.js";
import { callFailure } from "./helpers/call-failure.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// The recurring idempotency cleanup (issue 15, finding 15): keys past
// IDEMPOTENCY_RETENTION_MS are deleted, completed ones and also in-flight
// ones abandoned by a dead process or an unknown Juspay outcome, but an
// in-flight key is deleted only once its lock expired a whole retention ago,
// so a request that may still be running keeps its key.

const HOUR = "1 hour";
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: true });
  // The cleanup runs once at start: let that run finish before keys are planted.
  await ranRecently();
});
afterAll(async () => stack?.stop());

const db = () => stack.database.database.db;

/** A key as a call left it `createdAgo`, its lock ending at now + `lockedUntil` (created_at is not writable through the schema's types). */
async function insertKey(key: string, state: "in_flight" | "completed", createdAgo: string, lockedUntil: string): Promise<void> {
  const response = state === "completed" ? new Uint8Array([1]) : null;
  await sql`
    insert into idempotency_keys (scope, key, request_hash, state, response, locked_until, created_at, completed_at)
    values ('test-all/CreateProcessPayload', ${key}, 'hash-of-an-earlier-request', ${state}, ${response},
      now() + ${lockedUntil}::interval, now() - ${createdAgo}::interval,
      case when ${state} = 'completed' then now() - ${createdAgo}::interval end)`.execute(db());
}

/** Makes the recurring cleanup due now and waits until it has run (it snoozes for minutes after each run). */
async function runCleanup(): Promise<void> {
  await db().updateTable("jobs").set({ run_at: sql<Date>`now()` }).where("kind", "=", JOB_KINDS.idempotencyCleanup).execute();
  stack.service.app.wakeJobs();
  await ranRecently();
}

/** The cleanup has run and snoozed until its next round, minutes away. */
async function ranRecently(): Promise<void> {
  await eventually(
    () => db().selectFrom("jobs").select("id").where("kind", "=", JOB_KINDS.idempotencyCleanup).where("run_at", ">", sql<Date>`now() + interval '1 minute'`).executeTakeFirst(),
    15_000,
    "the idempotency cleanup to run",
  );
}

describe("the idempotency cleanup job", () => {
  it("deletes in-flight keys whose lock expired a retention ago, and keeps any that may still be running", async () => {
    // The retention is the default 24 h.
    await insertKey("stale-in-flight-key", "in_flight", "3 days", "-2 days");
    await insertKey("old-completed-key", "completed", "2 days", "-2 days");
    await insertKey("taken-over-just-now", "in_flight", "3 days", "1 minute");
    await insertKey("lock-expired-an-hour-ago", "in_flight", "3 days", `-${HOUR}`);
    await insertKey("recent-completed-key", "completed", HOUR, `-${HOUR}`);

    // While it lingers, the abandoned key blocks a new request with that key.
    const blocked = await callFailure(
      stack.payloads.createProcessPayload({ idempotencyKey: "stale-in-flight-key", orderId: "cleanup1", customerId: "cust_1", amount: { amountMinor: 500n, currency: "INR" } }),
    );
    expect([blocked.code, errorReason(blocked)]).toEqual([Code.FailedPrecondition, ErrorReason.IDEMPOTENCY_KEY_REUSED]);

    await runCleanup();

    const left = await db().selectFrom("idempotency_keys").select("key").where("scope", "=", "test-all/CreateProcessPayload").orderBy("key").execute();
    expect(left.map((r) => r.key)).toEqual(["lock-expired-an-hour-ago", "recent-completed-key", "taken-over-just-now"]);

    // Pruned, the key is free: the request runs afresh.
    const res = await stack.payloads.createProcessPayload({
      idempotencyKey: "stale-in-flight-key",
      orderId: "cleanup1",
      customerId: "cust_1",
      amount: { amountMinor: 500n, currency: "INR" },
    });
    expect(res.payloadJson).not.toBe("");
  });

  it("deletes kept Session API payloads once expired (they hold a client auth token), and keeps valid ones", async () => {
    for (const order_id of ["cleanupS1", "cleanupS2"]) {
      await db().insertInto("orders").values({ order_id, amount_minor: 500n, currency: "INR", customer_id: "cust_1", status: "NEW", status_raw: "" }).execute();
    }
    const payload = (order_id: string, expiresIn: string) =>
      sql`insert into session_payloads (order_id, payload_json, request_id, service, web_payment_url, juspay_order_id, expires_at)
        values (${order_id}, '{}', 'r', 'in.juspay.hyperpay', '', 'ordeh_1', now() + ${expiresIn}::interval)`.execute(db());
    await payload("cleanupS1", "-1 second");
    await payload("cleanupS2", "10 minutes");
    await runCleanup();
    const left = await db().selectFrom("session_payloads").select("order_id").where("order_id", "in", ["cleanupS1", "cleanupS2"]).execute();
    expect(left.map((r) => r.order_id)).toEqual(["cleanupS2"]);
  });
});
