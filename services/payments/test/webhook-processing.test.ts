import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { eventRow, ingest, orderStatus, orderWebhookBody, waitForFinal } from "./helpers/webhooks.js";
import { eventually } from "./helpers/stack.js";

// Processing of stored webhooks: the body is a hint and Juspay's order status
// the truth (32), unknown orders kept and swept (29), any order of events and
// replays (30), webhook vs poll (31), a failed first processing retried.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const db = () => stack.database.database.db;

async function seedOrder(orderId: string, amountMinor: bigint, simAmountMinor = amountMinor): Promise<void> {
  await insertOrderRow(stack, { orderId, amountMinor });
  await createSimOrder(stack, { orderId, amountMinor: simAmountMinor });
}

describe("webhook content is not trusted for money (criterion 32)", () => {
  it("a webhook claiming CHARGED for an order Juspay has not seen paid leaves it NEW", async () => {
    await seedOrder("whtrust1", 1_000n);
    const res = await ingest(stack, orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whtrust1", amount: 10, status: "CHARGED" }));
    expect((await waitForFinal(stack, res.eventId)).state).toBe("PROCESSED");
    expect(await orderStatus(stack, "whtrust1")).toBe("NEW");
  });

  it("a CHARGED for another amount than ours never marks the order paid", async () => {
    await seedOrder("whtrust2", 1_000n, 900n);
    await paySimOrder(stack, "whtrust2");
    const res = await ingest(stack, orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whtrust2", amount: 10, status: "CHARGED" }));
    expect((await waitForFinal(stack, res.eventId)).state).toBe("PROCESSED");
    expect(await orderStatus(stack, "whtrust2")).toBe("INTEGRITY_MISMATCH");
  });
});

describe("webhook before the order row (criterion 29)", () => {
  it("is stored UNMATCHED, then applied by the sweep once the order row exists", async () => {
    await createSimOrder(stack, { orderId: "whlate1", amountMinor: 700n });
    await paySimOrder(stack, "whlate1");
    const res = await ingest(stack, orderWebhookBody({ eventName: "TXN_CHARGED", orderId: "whlate1", amount: 7, status: "CHARGED" }));
    const unmatched = await waitForFinal(stack, res.eventId);
    expect(unmatched.state).toBe("UNMATCHED");
    expect(unmatched.last_error).toMatch(/no order row/);

    await insertOrderRow(stack, { orderId: "whlate1", amountMinor: 700n });
    // The next sweep, now rather than in 30 s.
    await db().updateTable("jobs").set({ run_at: new Date() }).where("kind", "=", "webhook.sweep").execute();
    stack.service.app.wakeJobs();
    await eventually(async () => ((await eventRow(stack, res.eventId))?.state === "PROCESSED" ? true : undefined), 10_000, "the sweep to apply the event");
    expect(await orderStatus(stack, "whlate1")).toBe("CHARGED");
    expect((await eventRow(stack, res.eventId))?.attempt_count).toBe(2);
    // The ORDER_CHARGED it led to names it; a change made by an RPC or a sync names none.
    const events = await db().selectFrom("payment_events").select(["type", "webhook_event_id"]).where("order_id", "=", "whlate1").execute();
    expect(events).toEqual([{ type: "ORDER_CHARGED", webhook_event_id: res.eventId }]);
  });
});

describe("a failed first processing is retried", () => {
  it("Juspay 503 on the first attempt: FAILED with attempt_count 1 and the error, then PROCESSED on the job's retry", async () => {
    await seedOrder("whretry1", 300n);
    await paySimOrder(stack, "whretry1");
    // The client tries 3 times per call: the whole first processing attempt fails.
    stack.sim.faults.add({ route: "order_status", fault: { kind: "status", status: 503 }, times: 3, pathIncludes: "whretry1" });
    const res = await ingest(stack, orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whretry1", amount: 3, status: "CHARGED" }));
    const failed = await eventually(async () => {
      const row = await eventRow(stack, res.eventId);
      return row?.state === "FAILED" ? row : undefined;
    });
    expect(failed.attempt_count).toBe(1);
    expect(failed.last_error).toMatch(/juspay_unavailable/);
    const done = await waitForFinal(stack, res.eventId, 15_000);
    expect(done.state).toBe("PROCESSED");
    expect(done.attempt_count).toBe(2);
    expect(done.last_error).toBeNull();
    expect(await orderStatus(stack, "whretry1")).toBe("CHARGED");
  });
});

describe("webhook vs poll race (criterion 31)", () => {
  it("processing and GetOrderStatus at once: one transition to CHARGED, one downstream event", async () => {
    for (let i = 0; i < 3; i++) {
      const orderId = `whrace${i}`;
      await seedOrder(orderId, 400n);
      await paySimOrder(stack, orderId);
      const body = orderWebhookBody({ eventName: "TXN_CHARGED", orderId, amount: 4, status: "CHARGED" });
      const [res] = await Promise.all([ingest(stack, body), stack.orders.getOrderStatus({ orderId }), stack.orders.getOrderStatus({ orderId })]);
      expect((await waitForFinal(stack, res.eventId)).state).toBe("PROCESSED");
      const order = await db().selectFrom("orders").select(["status", "version"]).where("order_id", "=", orderId).executeTakeFirstOrThrow();
      expect(order.status).toBe("CHARGED");
      const charged = await db().selectFrom("payment_events").select("event_id").where("order_id", "=", orderId).where("type", "=", "ORDER_CHARGED").execute();
      expect(charged.length).toBe(1);
    }
  });
});

describe("out of order and replays (criterion 30)", () => {
  const NAMES = [
    ["ORDER_SUCCEEDED", "CHARGED"],
    ["ORDER_FAILED", "AUTHORIZATION_FAILED"],
    ["TXN_CREATED", "PENDING_VBV"],
    ["TXN_CHARGED", "CHARGED"],
    ["TXN_FAILED", "AUTHORIZATION_FAILED"],
  ] as const;
  let run = 0;

  it("any permutation of order and txn events, plus replays, ends in Juspay's state; CHARGED never regresses", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...NAMES.keys()], { minLength: 1 }),
        fc.constantFrom("success", "failure", "none"),
        fc.nat(5),
        fc.array(fc.nat(10), { maxLength: 3 }),
        async (order, outcome, payAt, replays) => {
          const orderId = `whprop${run++}`;
          await seedOrder(orderId, 1_000n);
          const events: string[] = [];
          let charged = false;
          const step = async (eventId: string) => {
            await waitForFinal(stack, eventId);
            const status = await orderStatus(stack, orderId);
            if (charged) expect(status).toBe("CHARGED");
            if (status === "CHARGED") charged = true;
          };
          for (const [i, n] of order.entries()) {
            if (i === payAt && outcome !== "none") await paySimOrder(stack, orderId, outcome);
            const [eventName, status] = NAMES[n]!;
            const res = await ingest(stack, orderWebhookBody({ eventName, orderId, amount: 10, status }));
            events.push(res.eventId);
            await step(res.eventId);
          }
          if (payAt >= order.length && outcome !== "none") await paySimOrder(stack, orderId, outcome);
          // Replays of old events (a week old), through the RPC, processed again.
          for (const r of [...replays, 0]) {
            const eventId = events[r % events.length]!;
            const replayed = await stack.webhooks.replayWebhookEvent({ idempotencyKey: `replay-${orderId}-${r}-${Math.random()}`, eventId });
            expect(replayed.event?.eventId).toBe(eventId);
            await step(eventId);
          }
          const old = await ingest(stack, orderWebhookBody({ eventName: "ORDER_FAILED", orderId, amount: 10, status: "AUTHORIZATION_FAILED", dateCreated: new Date(Date.now() - 7 * 86_400_000) }));
          await step(old.eventId);
          const truth = await stack.orders.getOrderStatus({ orderId });
          const final = await orderStatus(stack, orderId);
          if (outcome === "success") expect(final).toBe("CHARGED");
          if (outcome === "none") expect(final).toBe("NEW");
          if (outcome === "failure") expect(final).not.toBe("CHARGED");
          expect(truth.stale).toBe(false);
          expect(await orderStatus(stack, orderId)).toBe(final);
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
