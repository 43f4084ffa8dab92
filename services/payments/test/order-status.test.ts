import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { StaleReason } from "@payments/proto/payments/v1/order_pb";
import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { errorReason } from "@payments/client";
import { sql } from "kysely";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder, seedPaidOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";

// GetOrderStatus over gRPC against the simulator: refresh, terminal from
// Postgres, stale answers, integrity (criterion 19), transient failures
// (criterion 10) and the caller's deadline (criterion 17).

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

/** Holds an exclusive lock on the refunds table (reads wait) from `fromMs` to `untilMs` after now. */
async function lockRefundsBetween(fromMs: number, untilMs: number): Promise<void> {
  await sleep(fromMs);
  await stack.database.database.db.transaction().execute(async (trx) => {
    await sql`lock table refunds in access exclusive mode`.execute(trx);
    await sleep(untilMs - fromMs);
  });
}

describe("GetOrderStatus", () => {
  it("refreshes a paid order from Juspay, then serves it from Postgres without calling Juspay", async () => {
    await seedPaidOrder(stack, { orderId: "gos1", amountMinor: 10_000n });
    const first = await stack.orders.getOrderStatus({ orderId: "gos1" });
    expect(first.order?.status).toBe(OrderStatus.CHARGED);
    expect(first.order?.terminal).toBe(true);
    expect(first.order?.refundableAmount?.amountMinor).toBe(10_000n);
    expect(first.stale).toBe(false);
    const before = stack.sim.counters.snapshot().requests["order_status"] ?? 0;
    const second = await stack.orders.getOrderStatus({ orderId: "gos1" });
    expect(second.order?.status).toBe(OrderStatus.CHARGED);
    expect(stack.sim.counters.snapshot().requests["order_status"] ?? 0).toBe(before);
  });

  it("answers NEW for an order Juspay has not seen yet, and NOT_FOUND for one we do not have", async () => {
    await insertOrderRow(stack, { orderId: "gos2", amountMinor: 500n });
    const res = await stack.orders.getOrderStatus({ orderId: "gos2" });
    expect(res.order?.status).toBe(OrderStatus.NEW);
    const err = await stack.orders.getOrderStatus({ orderId: "nosuchorder" }).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).toBe(Code.NotFound);
    expect(errorReason(err)).toBe(ErrorReason.NOT_FOUND);
  });

  it("never marks paid an order whose amount at Juspay differs from ours (criterion 19)", async () => {
    await insertOrderRow(stack, { orderId: "gos3", amountMinor: 10_000n });
    await createSimOrder(stack, { orderId: "gos3", amountMinor: 100n });
    await paySimOrder(stack, "gos3");
    const before = stack.service.app.alerts.get("integrity_mismatch");
    const res = await stack.orders.getOrderStatus({ orderId: "gos3" });
    expect(res.order?.status).toBe(OrderStatus.INTEGRITY_MISMATCH);
    expect(res.order?.terminal).toBe(true);
    expect(stack.service.app.alerts.get("integrity_mismatch")).toBe(before + 1);
    expect(stack.logs.some((l) => l.msg?.toString().startsWith("integrity mismatch") && l.orderId === "gos3")).toBe(true);
  });

  it("retries a transient 503 twice and succeeds within the deadline (criterion 10)", async () => {
    await insertOrderRow(stack, { orderId: "gos4", amountMinor: 200n });
    await createSimOrder(stack, { orderId: "gos4", amountMinor: 200n });
    await paySimOrder(stack, "gos4");
    stack.sim.faults.add({ route: "order_status", fault: { kind: "status", status: 503 }, times: 2, pathIncludes: "gos4" });
    const before = stack.sim.counters.snapshot().requests["order_status"] ?? 0;
    const res = await stack.orders.getOrderStatus({ orderId: "gos4" }, { timeoutMs: 5_000 });
    expect(res.order?.status).toBe(OrderStatus.CHARGED);
    expect(res.stale).toBe(false);
    expect((stack.sim.counters.snapshot().requests["order_status"] ?? 0) - before).toBe(3);
  });

  it("answers stale from our row when Juspay is down, and within the caller's deadline when Juspay is slow (criterion 17)", async () => {
    await insertOrderRow(stack, { orderId: "gos5", amountMinor: 300n });
    stack.sim.faults.add({ route: "order_status", fault: { kind: "status", status: 503 }, times: 10, pathIncludes: "gos5" });
    const down = await stack.orders.getOrderStatus({ orderId: "gos5" }, { timeoutMs: 3_000 });
    expect(down.stale).toBe(true);
    expect(down.staleReason).toBe(StaleReason.JUSPAY_UNAVAILABLE);
    expect(down.order?.status).toBe(OrderStatus.NEW);
    stack.sim.faults.clear();

    stack.sim.faults.add({ route: "order_status", fault: { kind: "latency", ms: 8_000 }, times: 1, pathIncludes: "gos5" });
    const calls = stack.sim.counters.snapshot().requests["order_status"] ?? 0;
    // The Juspay call, and the wait for it, get the deadline less a margin to answer in (1 s here): the caller
    // gets our row, marked stale, in time. (An answer after the deadline would not arrive: the client ends the
    // call with DEADLINE_EXCEEDED at 5 s.) The refunds table is locked from 300 ms before the deadline to 100 ms
    // after it, so the stale answer arrives only if it was read with the margin ahead, not at the last moment.
    const lockedNearTheDeadline = lockRefundsBetween(4_700, 5_100);
    const slow = await stack.orders.getOrderStatus({ orderId: "gos5" }, { timeoutMs: 5_000 });
    await lockedNearTheDeadline;
    expect(slow.stale).toBe(true);
    expect(slow.staleReason).toBe(StaleReason.JUSPAY_TIMEOUT);
    expect(slow.order?.status).toBe(OrderStatus.NEW);
    // One attempt: no retry is started that could not finish before the deadline.
    expect((stack.sim.counters.snapshot().requests["order_status"] ?? 0) - calls).toBe(1);
  });
});
