import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail } from "@payments/client";
import { formatMinorUnits, toMinorUnits } from "@payments/juspay";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toJuspayMinor } from "../src/domain/money.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Criteria 34 and 35: ids and amounts outside the rules are INVALID_ARGUMENT
// naming the field, before any database or Juspay call; SQL only ever takes
// values as parameters; money never passes through a float.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

const ID = /^[A-Za-z0-9]{1,20}$/;
const CORPUS = ["' OR 1=1--", "../etc/passwd", "ord\r\nX-Injected: 1", "ord%00", "ord\u0000x", "оrder1" /* Cyrillic о */, "ｏｒｄ１", "", "a".repeat(21), "ord 1", "ord_1", "ord-1", "ord;drop"];
const money = { amountMinor: 100n, currency: "INR" };

/** Every RPC that takes an order id, called with `orderId`. */
function callsWith(orderId: string): [string, () => Promise<unknown>][] {
  return [
    ["GetOrderStatus", () => stack.orders.getOrderStatus({ orderId })],
    ["RefundOrder", () => stack.orders.refundOrder({ idempotencyKey: "key-00000001", orderId, amount: money })],
    ["UpdateOrder", () => stack.orders.updateOrder({ idempotencyKey: "key-00000001", orderId, amount: money })],
    ["ListRefunds", () => stack.orders.listRefunds({ orderId })],
    ["WatchOrder", async () => {
      for await (const _ of stack.orders.watchOrder({ orderId })) void _;
    }],
    ["VerifySdkResult", () => stack.payloads.verifySdkResult({ orderId, reportedStatus: 2 })],
    ["CreateProcessPayload", () => stack.payloads.createProcessPayload({ idempotencyKey: "key-00000001", orderId, amount: money, customerId: "c1" })],
    ["GetRefund", () => stack.orders.getRefund({ selector: { case: "uniqueRequestId", value: orderId } })],
  ];
}

async function violationFields(call: () => Promise<unknown>): Promise<string[]> {
  const err = await call().then(
    () => expect.fail("expected INVALID_ARGUMENT"),
    (e: unknown) => ConnectError.from(e),
  );
  expect(err.code).toBe(Code.InvalidArgument);
  return errorDetail(err)?.fieldViolations.map((v) => v.field) ?? [];
}

async function sideEffects() {
  const db = stack.database.database.db;
  const [orders, refunds, keys] = await Promise.all([
    db.selectFrom("orders").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
    db.selectFrom("refunds").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
    db.selectFrom("idempotency_keys").select(db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  const upstream = Object.values(stack.sim.counters.snapshot().requests).reduce((a, b) => a + b, 0);
  return { orders: Number(orders.n), refunds: Number(refunds.n), keys: Number(keys.n), upstream };
}

describe("ids (criterion 34)", () => {
  it("a fixed corpus of hostile ids is INVALID_ARGUMENT on every RPC, with no write and no Juspay call", async () => {
    const before = await sideEffects();
    for (const id of CORPUS) {
      if (ID.test(id)) continue;
      for (const [name, call] of callsWith(id)) {
        const fields = await violationFields(call);
        expect(fields, `${name} ${JSON.stringify(id)}`).toContain(name === "GetRefund" ? "unique_request_id" : "order_id");
      }
    }
    expect(await sideEffects()).toEqual(before);
  });

  it("random strings outside the alphabet or length are rejected the same way (fast-check)", async () => {
    const before = await sideEffects();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !ID.test(s)),
        async (id) => {
          for (const [, call] of callsWith(id).slice(0, 3)) expect((await violationFields(call)).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 60 },
    );
    expect(await sideEffects()).toEqual(before);
  });

  it("a missing id is a violation of its own (the type is checked before any pattern)", async () => {
    expect(await violationFields(() => stack.orders.getOrderStatus({}))).toEqual(["order_id"]);
    expect(await violationFields(() => stack.orders.getRefund({}))).toEqual(["selector"]);
  });

  it("SQL in the service takes values only as parameters (no sql.raw, no string-built queries)", () => {
    const src = fileURLToPath(new URL("../src", import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        // DDL cannot take parameters: migrations inline constants of the code (never request values) with sql.lit.
        if (statSync(path).isDirectory()) {
          if (name !== "migrations") walk(path);
        }
        else if (path.endsWith(".ts")) {
          const text = readFileSync(path, "utf8");
          if (/sql\.raw\(|sql\.lit\(|\.query\(\s*[`'"][^`'"]*\$\{/.test(text)) offenders.push(path);
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});

describe("amounts (criterion 35)", () => {
  it("zero, negative, above the maximum and a bad currency are INVALID_ARGUMENT naming the field", async () => {
    const before = await sideEffects();
    const refund = (amount: { amountMinor: bigint; currency: string } | undefined) => () =>
      stack.orders.refundOrder({ idempotencyKey: "key-00000002", orderId: "ord1", amount });
    expect(await violationFields(refund({ amountMinor: 0n, currency: "INR" }))).toEqual(["amount.amount_minor"]);
    expect(await violationFields(refund({ amountMinor: -5n, currency: "INR" }))).toEqual(["amount.amount_minor"]);
    expect(await violationFields(refund({ amountMinor: 100_000_000_001n, currency: "INR" }))).toEqual(["amount.amount_minor"]);
    expect(await violationFields(refund({ amountMinor: 100n, currency: "inr" }))).toEqual(["amount.currency"]);
    expect(await violationFields(refund(undefined))).toEqual(["amount"]);
    expect(await sideEffects()).toEqual(before);
  });

  it("minor units survive the trip to Juspay's decimal text and back exactly (fast-check)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 100_000_000_000n }), (minor) => {
        const sent = formatMinorUnits(toJuspayMinor(minor), "INR");
        expect(sent).toMatch(/^\d+\.\d{2}$/);
        expect(BigInt(toMinorUnits(sent, "INR"))).toBe(minor);
      }),
      { numRuns: 2_000 },
    );
  });

  it("the service's money code has no float arithmetic", () => {
    const src = fileURLToPath(new URL("../src", import.meta.url));
    const files = ["domain/money.ts", "rpc/order-proto.ts", "app/orders/apply-order-status.ts", "domain/integrity.ts"];
    for (const file of files) {
      const text = readFileSync(join(src, file), "utf8");
      expect(text, file).not.toMatch(/parseFloat|toFixed\(|Math\.round\(|\* ?100\b|\/ ?100\b/);
    }
  });
});
