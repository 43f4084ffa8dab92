import { createPaymentsClient } from "@payments/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JourneyError, runPaymentJourney } from "../../../tools/dev/journey.js";
import { startStack, type Stack } from "./helpers/stack.js";

// The full journey of issue 5 over real sockets, the real database and the
// simulator, with the simulator's webhooks delivered through the real bridge
// (issue 6): the same steps `npm run demo` prints against `npm start`.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ webhooks: true });
});
afterAll(async () => stack?.stop());

describe.each(["grpc", "connect"] as const)("the payment journey (%s)", (transport) => {
  it("stream opened, initiate, process, SDK pays, verify, webhook processed, watch, partial refund synced to SUCCESS, over-refund refused, stream events", async () => {
    const payments = createPaymentsClient({ baseUrl: stack.baseUrl, transport, timeoutMs: 15_000, token: stack.token });
    const result = await runPaymentJourney({ payments, simUrl: stack.sim.url, orderId: `jrn${transport}`, refundSyncTimeoutMs: 20_000 });
    expect(result.steps).toHaveLength(13);
    expect(result.steps.filter((s) => s.includes("StreamPaymentEvents: ")).map((s) => s.split(" ")[2])).toEqual(["ORDER_CHARGED", "REFUND_CREATED", "REFUND_SUCCEEDED"]);
    // One refund went upstream, under one id.
    expect(stack.sim.counters.snapshot().uniqueRequestIdsPerOrder[`jrn${transport}`]).toHaveLength(1);
    const rows = await stack.database.database.db.selectFrom("refunds").select(["status", "amount_minor"]).where("order_id", "=", `jrn${transport}`).execute();
    expect(rows).toEqual([{ status: "SUCCESS", amount_minor: 4_000n }]);
  });
});

describe("the journey where webhooks are not delivered", () => {
  it("fails at the webhook step, naming the missing bridge", async () => {
    stack.sim.webhooks.configure({ url: null });
    try {
      const payments = createPaymentsClient({ baseUrl: stack.baseUrl, transport: "grpc", timeoutMs: 15_000, token: stack.token });
      const err = await runPaymentJourney({ payments, simUrl: stack.sim.url, orderId: "jrnnohook", webhookTimeoutMs: 1_500 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JourneyError);
      expect((err as Error).message).toMatch(/^webhook: no ORDER_SUCCEEDED webhook for jrnnohook was stored .*webhook bridge/);
    } finally {
      stack.sim.webhooks.configure({ url: `http://127.0.0.1:${stack.bridge!.address.port}/webhooks/juspay` });
    }
  });
});
