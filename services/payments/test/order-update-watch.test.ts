import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail, errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOrderSync } from "../src/app/orders/order-sync-job.js";
import { refreshOrder } from "../src/app/orders/refresh-order.js";
import { createLogger } from "../src/logger.js";
import { createService } from "../src/service.js";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { DEFAULT_TEST_SETTINGS, startStack, type Stack } from "./helpers/stack.js";

// UpdateOrder (idempotent, refused once paid), WatchOrder (changes from this
// replica, another replica and the order sync job; ends at a terminal state
// or the deadline).

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const failure = (p: Promise<unknown>) => p.then(() => expect.fail("expected an error"), (e: unknown) => ConnectError.from(e));
const money = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

describe("UpdateOrder", () => {
  it("changes the amount at Juspay and in our row, and replays a repeat without calling Juspay", async () => {
    await insertOrderRow(stack, { orderId: "upd1", amountMinor: 1_000n });
    await createSimOrder(stack, { orderId: "upd1", amountMinor: 1_000n });
    const request = { idempotencyKey: "upd1-key-0001", orderId: "upd1", amount: money(1_500n), udfs: { udf1: "gift" } };
    const first = await stack.orders.updateOrder(request);
    expect(first.order?.amount?.amountMinor).toBe(1_500n);
    expect(first.order?.udfs?.udf1).toBe("gift");
    const atJuspay = await fetch(`${stack.sim.url}/orders/upd1`, {
      headers: { authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(((await atJuspay.json()) as { amount: unknown }).amount).toBe(15);
    const updates = stack.sim.counters.snapshot().requests["update_order"];
    const again = await stack.orders.updateOrder(request);
    expect(again).toEqual(first);
    expect(stack.sim.counters.snapshot().requests["update_order"]).toBe(updates);
    const reused = await failure(stack.orders.updateOrder({ ...request, amount: money(1_600n) }));
    expect(reused.code).toBe(Code.FailedPrecondition);
    expect(errorReason(reused)).toBe(ErrorReason.IDEMPOTENCY_KEY_REUSED);
  });

  it("refuses a paid order: by our row without calling Juspay, or by Juspay's INVALID_ACTION with its code", async () => {
    await insertOrderRow(stack, { orderId: "upd2", amountMinor: 1_000n });
    await createSimOrder(stack, { orderId: "upd2", amountMinor: 1_000n });
    await paySimOrder(stack, "upd2");
    // Our row still says NEW: Juspay's answer decides.
    const byJuspay = await failure(stack.orders.updateOrder({ idempotencyKey: "upd2-key-0001", orderId: "upd2", amount: money(900n) }));
    expect(byJuspay.code).toBe(Code.FailedPrecondition);
    expect(errorReason(byJuspay)).toBe(ErrorReason.ORDER_NOT_UPDATABLE);
    expect(errorDetail(byJuspay)?.juspayErrorCode).toBe("INVALID_ACTION");
    const row = await stack.database.database.db.selectFrom("orders").select("amount_minor").where("order_id", "=", "upd2").executeTakeFirstOrThrow();
    expect(row.amount_minor).toBe(1_000n);

    await stack.orders.getOrderStatus({ orderId: "upd2" });
    const calls = stack.sim.counters.snapshot().requests["update_order"];
    const byUs = await failure(stack.orders.updateOrder({ idempotencyKey: "upd2-key-0002", orderId: "upd2", amount: money(900n) }));
    expect(errorReason(byUs)).toBe(ErrorReason.ORDER_NOT_UPDATABLE);
    expect(stack.sim.counters.snapshot().requests["update_order"]).toBe(calls);
  });

  it("updates only our row for an order Juspay has not seen yet, and checks the currency", async () => {
    await insertOrderRow(stack, { orderId: "upd3", amountMinor: 1_000n });
    const res = await stack.orders.updateOrder({ idempotencyKey: "upd3-key-0001", orderId: "upd3", amount: money(2_000n) });
    expect(res.order?.amount?.amountMinor).toBe(2_000n);
    const wrong = await failure(stack.orders.updateOrder({ idempotencyKey: "upd3-key-0002", orderId: "upd3", amount: { amountMinor: 5n, currency: "USD" } }));
    expect(wrong.code).toBe(Code.InvalidArgument);
    expect(errorDetail(wrong)?.fieldViolations.map((v) => v.field)).toEqual(["amount.currency"]);
    const empty = await failure(stack.orders.updateOrder({ idempotencyKey: "upd3-key-0003", orderId: "upd3" }));
    expect(empty.code).toBe(Code.InvalidArgument);
  });
});

describe("WatchOrder", () => {
  it("sends the current state, then a change made by another replica, and ends at CHARGED", async () => {
    await insertOrderRow(stack, { orderId: "wat1", amountMinor: 100n });
    await createSimOrder(stack, { orderId: "wat1", amountMinor: 100n });
    const seen: OrderStatus[] = [];
    const watching = (async () => {
      for await (const res of stack.orders.watchOrder({ orderId: "wat1" }, { timeoutMs: 10_000 })) seen.push(res.order!.status);
    })();
    await new Promise((r) => setTimeout(r, 300));
    await paySimOrder(stack, "wat1");
    // A second replica on the same database: its change reaches us only through the database.
    const other = createService({
      config: {
        juspay: { baseUrl: stack.sim.url, apiKey: stack.sim.options.apiKey, merchantId: stack.sim.options.merchantId, apiVersion: "2023-06-30", executionStatusPath: "/txns/v2/orders/{order_id}" },
        payments: DEFAULT_TEST_SETTINGS,
        jobs: { enabled: false, pollIntervalMs: 1_000, concurrency: 1 },
      },
      database: stack.database.database,
      logger: createLogger("silent"),
    });
    await refreshOrder(other.app, "wat1", {});
    await watching;
    expect(seen).toEqual([OrderStatus.NEW, OrderStatus.CHARGED]);
  });

  it("follows the order sync job to the end of a pending payment", async () => {
    await insertOrderRow(stack, { orderId: "wat2", amountMinor: 100n });
    await createSimOrder(stack, { orderId: "wat2", amountMinor: 100n });
    await paySimOrder(stack, "wat2", "pending_then_success");
    await stack.database.database.db.transaction().execute((trx) => enqueueOrderSync(trx, stack.service.app, "wat2"));
    const seen: OrderStatus[] = [];
    const watching = (async () => {
      for await (const res of stack.orders.watchOrder({ orderId: "wat2" }, { timeoutMs: 15_000 })) {
        seen.push(res.order!.status);
        if (res.order!.status === OrderStatus.PENDING_VBV) stack.sim.clock.advance(3 * 60_000);
      }
    })();
    await watching;
    expect(seen[0]).toBe(OrderStatus.NEW);
    expect(seen).toContain(OrderStatus.PENDING_VBV);
    expect(seen.at(-1)).toBe(OrderStatus.CHARGED);
  });

  it("ends at the caller's deadline for an order that does not change, and answers NOT_FOUND for an unknown one", async () => {
    await insertOrderRow(stack, { orderId: "wat3", amountMinor: 100n });
    const seen: OrderStatus[] = [];
    const err = await (async () => {
      for await (const res of stack.orders.watchOrder({ orderId: "wat3" }, { timeoutMs: 600 })) seen.push(res.order!.status);
    })().then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(seen).toEqual([OrderStatus.NEW]);
    expect(err?.code).toBe(Code.DeadlineExceeded);
    const missing = await (async () => {
      for await (const _ of stack.orders.watchOrder({ orderId: "nosuch" })) void _;
    })().then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(missing?.code).toBe(Code.NotFound);
  });
});
