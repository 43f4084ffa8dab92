import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { TimestampSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail } from "@payments/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthlyMandate } from "./helpers/mandates.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Issue 15, findings 9 and 14, over a real socket: values the field rules
// alone did not cover. A protobuf Timestamp out of range (seconds = 1e13)
// became an invalid Date and answered INTERNAL, or was dropped (a mandate's
// end_time, replaced by the 30-year default); a forged page token with a huge
// position answered INTERNAL from PostgreSQL; a currency outside the
// contract's allow-list (USD, ZZZ) was accepted. Each is now INVALID_ARGUMENT
// naming the field, before any write.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });
const HUGE = create(TimestampSchema, { seconds: 10_000_000_000_000n });
const inADay = timestampFromDate(new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000));

async function violations(call: Promise<unknown>): Promise<string[]> {
  const err = await call.then(
    () => expect.fail("expected INVALID_ARGUMENT"),
    (e: unknown) => ConnectError.from(e),
  );
  expect(err.code, err.rawMessage).toBe(Code.InvalidArgument);
  return errorDetail(err)?.fieldViolations.map((v) => v.field) ?? [];
}

async function orderIds(): Promise<string[]> {
  return (await stack.database.database.db.selectFrom("orders").select("order_id").execute()).map((r) => r.order_id);
}

/** A page token as a forger writes it: base64url JSON of the scope, a position and an id (app/page-token.ts). */
function forgedToken(scope: string): string {
  return Buffer.from(JSON.stringify({ s: scope, t: "99999999999999999999", i: "x1" }), "utf8").toString("base64url");
}

const scopeHash = (canonical: unknown[]) => createHash("sha256").update(JSON.stringify(canonical)).digest("base64url").slice(0, 16);

describe("timestamps out of protobuf's range (finding 9)", () => {
  it("SendPreDebitNotification's debit_time", async () => {
    const fields = await violations(
      stack.mandates.sendPreDebitNotification({ idempotencyKey: "ts-key-0001", mandateId: "mdt_1", notificationId: "ntf1", amount: inr(1_000n), debitTime: HUGE }),
    );
    expect(fields).toEqual(["debit_time"]);
  });

  it("ExecuteMandate's execution_time", async () => {
    const fields = await violations(
      stack.mandates.executeMandate({ idempotencyKey: "ts-key-0002", mandateId: "mdt_1", orderId: "exec1", amount: inr(1_000n), executionTime: HUGE }),
    );
    expect(fields).toEqual(["execution_time"]);
  });

  it("ListWebhookEvents' receive_time_from, and negative nanos", async () => {
    expect(await violations(stack.webhooks.listWebhookEvents({ orderId: "ord1", receiveTimeFrom: HUGE }))).toEqual(["receive_time_from"]);
    const badNanos = create(TimestampSchema, { seconds: 1n, nanos: -1 });
    expect(await violations(stack.webhooks.listWebhookEvents({ orderId: "ord1", receiveTimeTo: badNanos }))).toEqual(["receive_time_to"]);
  });

  it("a mandate's end_time is refused, not replaced by the default end, and nothing is written", async () => {
    const fields = await violations(
      stack.payloads.createProcessPayload({ idempotencyKey: "ts-key-0003", orderId: "tsmand1", amount: inr(10_000n), customerId: "cust_ts", mandate: monthlyMandate({ endTime: HUGE }) }),
    );
    expect(fields).toEqual(["mandate.end_time"]);
    expect(await orderIds()).not.toContain("tsmand1");
  });

  it("a timestamp at the end of the range is still judged by the use case, not refused as malformed", async () => {
    const fields = await violations(
      stack.payloads.createProcessPayload({ idempotencyKey: "ts-key-0004", orderId: "tsmand2", amount: inr(10_000n), customerId: "cust_ts", mandate: monthlyMandate({ startTime: inADay, endTime: create(TimestampSchema, { seconds: 253_402_300_799n }) }) }),
    );
    expect(fields).toEqual(["mandate.start_time"]);
  });
});

describe("forged page tokens (finding 9)", () => {
  it("ListRefunds, ListMandates and ListWebhookEvents answer INVALID_ARGUMENT naming page_token", async () => {
    await stack.payloads.createProcessPayload({ idempotencyKey: "page-key-0001", orderId: "page1", amount: inr(10_000n), customerId: "cust_page" });
    expect(await violations(stack.orders.listRefunds({ orderId: "page1", pageToken: forgedToken("page1") }))).toEqual(["page_token"]);
    expect(await violations(stack.mandates.listMandates({ customerId: "cust_page", pageToken: forgedToken(scopeHash(["cust_page", []])) }))).toEqual(["page_token"]);
    const eventsScope = scopeHash(["page1", null, null, [], null, null]);
    expect(await violations(stack.webhooks.listWebhookEvents({ orderId: "page1", pageToken: forgedToken(eventsScope) }))).toEqual(["page_token"]);
  });
});

describe("the currency allow-list (finding 14)", () => {
  it("INR is the only currency unless configured: USD and ZZZ are INVALID_ARGUMENT naming amount.currency, with no row", async () => {
    for (const [i, currency] of ["USD", "ZZZ"].entries()) {
      const orderId = `cur${i}`;
      const fields = await violations(stack.payloads.createProcessPayload({ idempotencyKey: `cur-key-000${i}`, orderId, amount: { amountMinor: 10_000n, currency }, customerId: "cust_cur" }));
      expect(fields).toEqual(["amount.currency"]);
      expect(await orderIds()).not.toContain(orderId);
    }
    const fields = await violations(stack.orders.refundOrder({ idempotencyKey: "cur-key-0009", orderId: "page1", amount: { amountMinor: 100n, currency: "USD" } }));
    expect(fields).toEqual(["amount.currency"]);
  });

  it("a configured currency is accepted", async () => {
    const usd = await startStack({ jobs: false, settings: { currencies: ["INR", "USD"] } });
    try {
      const res = await usd.payloads.createProcessPayload({ idempotencyKey: "cur-key-0100", orderId: "usd1", amount: { amountMinor: 10_000n, currency: "USD" }, customerId: "cust_cur" });
      expect(res.orderId).toBe("usd1");
      expect(await violations(usd.payloads.createProcessPayload({ idempotencyKey: "cur-key-0101", orderId: "zzz1", amount: { amountMinor: 10_000n, currency: "ZZZ" }, customerId: "cust_cur" }))).toEqual(["amount.currency"]);
    } finally {
      await usd.stop();
    }
  });
});

describe("dot-only customer ids (finding 12)", () => {
  it("are INVALID_ARGUMENT naming customer_id, and reach no Juspay path", async () => {
    const before = stack.sim.counters.snapshot().requests;
    for (const customerId of [".", "..", "..."]) {
      expect(await violations(stack.mandates.listMandates({ customerId }))).toEqual(["customer_id"]);
      expect(await violations(stack.payloads.createInitiatePayload({ customerId }))).toEqual(["customer_id"]);
    }
    expect(stack.sim.counters.snapshot().requests).toEqual(before);
    // Dots among other characters stay valid.
    await stack.mandates.listMandates({ customerId: "a.b@c.d" });
  });
});
