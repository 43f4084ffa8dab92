import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { errorDetail } from "@payments/client";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./helpers/stack.js";

// Finding 1 of issue 15, the red-team's reproduction over real sockets: a
// 200 KB customer_email built to make the old email pattern backtrack froze
// the event loop for 37 s (no RPC, no health, no webhooks). Now the length
// rule refuses it before any pattern runs, and health keeps answering.
// The one timed assertion is the generous gap between health answers
// (probed every 100 ms; the failure it guards against is tens of seconds).

const PROBE_EVERY_MS = 100;
const MAX_PROBE_GAP_MS = 1_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("hostile field values do not stall the service", () => {
  it("a 200 KB backtracking customer_email is INVALID_ARGUMENT naming it, while health probes keep answering", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: stack.baseUrl }));
    const answeredAt: number[] = [];
    let probing = true;
    const probes = (async () => {
      while (probing) {
        const res = await health.check({});
        expect(res.status).toBe(ServingStatus.SERVING);
        answeredAt.push(performance.now());
        await sleep(PROBE_EVERY_MS);
      }
    })();
    while (answeredAt.length < 3) await sleep(PROBE_EVERY_MS);

    const email = `a@${".".repeat(200_000)}@`;
    const err = await stack.payloads
      .createProcessPayload({ idempotencyKey: "redos-key-0001", orderId: "redos1", amount: { amountMinor: 100n, currency: "INR" }, customerId: "cust_redos", customerEmail: email })
      .then(
        () => expect.fail("a 200 KB email must be refused"),
        (e: unknown) => ConnectError.from(e),
      );
    const probesDuringCall = answeredAt.length;
    while (answeredAt.length < probesDuringCall + 3) await sleep(PROBE_EVERY_MS);
    probing = false;
    await probes;

    expect(err.code).toBe(Code.InvalidArgument);
    expect(errorDetail(err)?.fieldViolations.map((v) => [v.field, v.rule])).toEqual([["customer_email", "max_len"]]);
    const gaps = answeredAt.slice(1).map((t, i) => t - answeredAt[i]!);
    expect(Math.max(...gaps), "longest pause between health answers (ms)").toBeLessThan(MAX_PROBE_GAP_MS);
    const orders = await stack.database.database.db.selectFrom("orders").select("order_id").execute();
    expect(orders).toEqual([]);
  });
});
