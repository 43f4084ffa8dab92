import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeMandate, inr, simRequests } from "./helpers/mandate-debit-calls.js";
import { startStack, type Stack } from "./helpers/stack.js";

// JUSPAY_EXECUTION_STATUS_PATH set to the integration guide's
// /txns/v2/orders/{order_id} (issue 17, point 4): no public Juspay source has
// that path, so against the simulator as Juspay documents it (404 on a path
// it does not have) the read falls back to Order Status; against a simulator
// told to serve it, that path answers. Either way the debit's status is right.

const GUIDE_PATH = "/txns/v2/orders/{order_id}";
const SETTLE_MS = 2 * 60_000;

async function debitSettled(stack: Stack, orderId: string): Promise<void> {
  const mandate = await activeMandate(stack, `${orderId}reg`);
  await stack.mandates.executeMandate({ idempotencyKey: `exe-${orderId}`, mandateId: mandate.mandateId, orderId, amount: inr(1_000n) });
  stack.sim.clock.advance(SETTLE_MS);
}

describe("JUSPAY_EXECUTION_STATUS_PATH=/txns/v2/orders/{order_id}", () => {
  let absent: Stack;
  let served: Stack;
  beforeAll(async () => {
    absent = await startStack({ jobs: false, executionStatusPath: GUIDE_PATH });
    served = await startStack({ jobs: false, executionStatusPath: GUIDE_PATH, sim: { serveExecutionStatusPath: true } });
  });
  afterAll(async () => {
    await absent?.stop();
    await served?.stop();
  });

  it("Juspay answers the path 404: the status comes from Order Status", async () => {
    await debitSettled(absent, "xspA1");
    const before = simRequests(absent, "order_status");
    const status = await absent.mandates.getMandateExecutionStatus({ orderId: "xspA1" });
    expect(status.stale).toBe(false);
    expect(status.order).toMatchObject({ orderId: "xspA1", status: OrderStatus.CHARGED });
    expect(absent.sim.counters.snapshot().unrouted).toEqual({ "GET /txns/v2/orders/xspA1": 1 });
    expect(simRequests(absent, "order_status")).toBe(before + 1);
  });

  it("Juspay serves the path: the status comes from it alone", async () => {
    await debitSettled(served, "xspS1");
    const before = simRequests(served, "order_status");
    const status = await served.mandates.getMandateExecutionStatus({ orderId: "xspS1" });
    expect(status.stale).toBe(false);
    expect(status.order).toMatchObject({ orderId: "xspS1", status: OrderStatus.CHARGED });
    expect(simRequests(served, "execution_status")).toBe(1);
    expect(simRequests(served, "order_status")).toBe(before);
  });
});
