import { createPaymentsClient } from "@payments/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPaymentJourney } from "../../../tools/dev/journey.js";
import { startStack, type Stack } from "./helpers/stack.js";

// The full journey of issue 5 over real sockets, the real database and the
// simulator: the same steps `npm run demo` prints against `npm start`.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

describe.each(["grpc", "connect"] as const)("the payment journey (%s)", (transport) => {
  it("initiate, process, SDK pays, verify, watch, partial refund synced to SUCCESS, over-refund refused", async () => {
    const payments = createPaymentsClient({ baseUrl: stack.baseUrl, transport, timeoutMs: 15_000 });
    const result = await runPaymentJourney({ payments, simUrl: stack.sim.url, orderId: `jrn${transport}`, refundSyncTimeoutMs: 20_000 });
    expect(result.steps).toHaveLength(8);
    // One refund went upstream, under one id.
    expect(stack.sim.counters.snapshot().uniqueRequestIdsPerOrder[`jrn${transport}`]).toHaveLength(1);
    const rows = await stack.database.database.db.selectFrom("refunds").select(["status", "amount_minor"]).where("order_id", "=", `jrn${transport}`).execute();
    expect(rows).toEqual([{ status: "SUCCESS", amount_minor: 4_000n }]);
  });
});
