import { Code, ConnectError } from "@connectrpc/connect";
import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPaidOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Criterion 24: a shutdown (what SIGTERM runs in main.ts) stops accepting new
// calls, lets a refund that is waiting on Juspay finish, hands running jobs
// back, and leaves no unsettled refund without a scheduled sync.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
// The test stops the server and the service itself; the rest, and the last log scan, here.
afterAll(async () => {
  await stack?.sim.close().catch(() => {});
  await stack?.database.drop().catch(() => {});
  stack?.checkLogs();
});

describe("graceful shutdown", () => {
  it("drains an in-flight refund, refuses new calls, and leaves every unsettled refund with a live sync job", async () => {
    await seedPaidOrder(stack, { orderId: "sd1", amountMinor: 10_000n });
    await seedPaidOrder(stack, { orderId: "sd2", amountMinor: 10_000n });
    await stack.orders.getOrderStatus({ orderId: "sd1" });
    await stack.orders.refundOrder({ idempotencyKey: "sd2-refund-1", orderId: "sd2", amount: { amountMinor: 1_000n, currency: "INR" } });
    // Juspay takes 1.5 s to answer this refund: the shutdown starts while it waits.
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "latency", ms: 1_500 }, pathIncludes: "sd1" });
    const inFlight = stack.orders.refundOrder({ idempotencyKey: "sd1-refund-1", orderId: "sd1", amount: { amountMinor: 2_500n, currency: "INR" } }, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const stopping = (async () => {
      await stack.server.shutdown();
      await stack.service.stop(2_000);
    })();
    const drained = await inFlight;
    expect(drained.refund?.refundId).toMatch(/^rfd_/);
    // Juspay took it; the simulator's clock stands still, so it is still PENDING there.
    expect(drained.refund?.status).toBe(RefundStatus.PENDING);
    await stopping;

    const refused = await stack.orders.getOrderStatus({ orderId: "sd1" }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(refused?.code).toBe(Code.Unavailable);

    const db = stack.database.database.db;
    const unsettled = await db.selectFrom("refunds").select(["refund_id", "status"]).where("status", "not in", ["SUCCESS", "FAILURE", "MANUAL_REVIEW"]).execute();
    expect(unsettled.length).toBe(2);
    const jobs = await db
      .selectFrom("jobs")
      .select(["unique_key", "state"])
      .where("kind", "=", "refund.sync")
      .where(sql<boolean>`state in ('available', 'retryable')`)
      .execute();
    for (const refund of unsettled) expect(jobs.map((j) => j.unique_key)).toContain(`refund.sync:${refund.refund_id}`);
    expect(await db.selectFrom("jobs").select("id").where("state", "=", "running").execute()).toEqual([]);
  });
});
