import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail, errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { ingest, orderWebhookBody } from "./helpers/webhooks.js";

// Load shedding (criterion 40): with every unary slot busy, the excess is
// refused at once with RESOURCE_EXHAUSTED (OVERLOADED) instead of queueing
// behind the admitted calls, the admitted calls complete, webhook ingestion
// keeps its own budget, and the slots come back when the calls end. How fast
// the service is at twice its capacity is measured by the benchmarks (issue 9).

const UNARY_SLOTS = 2;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false, metrics: true, limits: { unary: UNARY_SLOTS, webhooks: 4 } });
  for (let i = 0; i < 8; i++) {
    await insertOrderRow(stack, { orderId: `shed${i}`, amountMinor: 1_000n });
    await createSimOrder(stack, { orderId: `shed${i}`, amountMinor: 1_000n });
  }
});
afterAll(async () => stack?.stop());

describe("at capacity", () => {
  it("admits as many unary calls as there are slots, refuses the rest at once, and keeps ingesting webhooks", async () => {
    // Each admitted call waits 1.5 s on Juspay (a refresh of an unpaid order).
    stack.sim.faults.add({ route: "order_status", fault: { kind: "latency", ms: 1_500 }, times: UNARY_SLOTS });
    const finished: { i: number; at: number; err?: ConnectError }[] = [];
    const calls = Array.from({ length: 3 * UNARY_SLOTS }, (_, i) =>
      stack.orders.getOrderStatus({ orderId: `shed${i}` }).then(
        () => void finished.push({ i, at: performance.now() }),
        (err: unknown) => void finished.push({ i, at: performance.now(), err: ConnectError.from(err) }),
      ),
    );
    // While the slots are taken, a webhook still gets in (its own budget).
    await new Promise((r) => setTimeout(r, 300));
    const ingested = await ingest(stack, orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "shed7", amount: 10, status: "CHARGED" }));
    expect(ingested.eventId).not.toBe("");
    await Promise.all(calls);

    const refused = finished.filter((f) => f.err !== undefined);
    const admitted = finished.filter((f) => f.err === undefined);
    expect(admitted).toHaveLength(UNARY_SLOTS);
    expect(refused).toHaveLength(2 * UNARY_SLOTS);
    for (const { err } of refused) {
      expect(err?.code).toBe(Code.ResourceExhausted);
      expect(errorReason(err)).toBe(ErrorReason.OVERLOADED);
      expect(errorDetail(err)?.retryable).toBe(true);
      expect(errorDetail(err)?.retryAfter).toBeDefined();
    }
    // Refused without waiting for the admitted calls: every refusal came before the first admitted answer.
    expect(Math.max(...refused.map((f) => f.at))).toBeLessThan(Math.min(...admitted.map((f) => f.at)));
    // And counted for the operators.
    const metrics = await (await fetch(stack.metricsUrl!)).text();
    expect(metrics).toContain(`payments_load_shed_total{reason="unary"} ${2 * UNARY_SLOTS}`);
  });

  it("gives the slots back when calls end (also failed ones): the next calls are admitted", async () => {
    const results = await Promise.all(Array.from({ length: UNARY_SLOTS }, (_, i) => stack.orders.getOrderStatus({ orderId: `shed${i}` })));
    expect(results.map((r) => r.order?.orderId)).toEqual(Array.from({ length: UNARY_SLOTS }, (_, i) => `shed${i}`));
    const notFound = await stack.orders.getOrderStatus({ orderId: "shedMissing" }).catch((e: unknown) => ConnectError.from(e));
    expect((notFound as ConnectError).code).toBe(Code.NotFound);
    expect((await stack.orders.getOrderStatus({ orderId: "shed0" })).order?.orderId).toBe("shed0");
  });
});
