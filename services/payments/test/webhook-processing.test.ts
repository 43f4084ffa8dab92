import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { eventRow, ingest, orderStatus, orderWebhookBody, waitForFinal } from "./helpers/webhooks.js";
import { eventually } from "./helpers/stack.js";
import { OrderStatusGate } from "./helpers/order-status-gate.js";
import { holdOutboxLock } from "./helpers/outbox-lock.js";
import { realPostgresUrl } from "./helpers/test-database.js";

// Processing of stored webhooks: the body is a hint and Juspay's order status
// the truth (32), unknown orders kept and swept (29), any order of events and
// replays (30), webhook vs poll (31), a failed first processing retried.

let stack: Stack;
const gate = new OrderStatusGate();
beforeAll(async () => {
  stack = await startStack({ wrapJuspay: gate.wrap });
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

describe.runIf(realPostgresUrl() !== undefined)("webhook vs poll race (criterion 31)", () => {
  // A poll (GetOrderStatus) read Juspay while the payment was pending; its
  // answer reaches us only after the payment went through and the webhook's
  // processing read CHARGED. The two apply on two connections at once: each
  // case forces one interleaving (the poll's answer is held, the outbox lock
  // stops the first writer after it wrote its row), so a writer that does not
  // lock the order before reading it overwrites the other's change.
  // PostgreSQL only: PGlite has one connection, so two transactions never interleave.
  const SETTLE_MS = 2 * 60_000; // the simulator settles a pending attempt after 2 simulated minutes

  /** An order whose payment is pending at Juspay, a poll holding Juspay's PENDING_VBV answer, then the payment settled CHARGED. */
  async function pollHoldingPendingAnswer(orderId: string) {
    await seedOrder(orderId, 80_000n);
    await paySimOrder(stack, orderId, "pending_then_success");
    const held = gate.hold(orderId);
    const poll = stack.orders.getOrderStatus({ orderId });
    expect((await held.arrived).status).toBe("PENDING_VBV");
    stack.sim.clock.advance(SETTLE_MS + 1_000);
    const body = orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId, amount: 800, status: "CHARGED" });
    return { held, poll, body };
  }

  const databaseUrl = () => (stack.database.config.kind === "postgres" ? stack.database.config.url : expect.fail("needs PostgreSQL"));
  const orderRow = (orderId: string) => db().selectFrom("orders").select(["status", "version"]).where("order_id", "=", orderId).executeTakeFirstOrThrow();
  const eventsOf = (orderId: string) => db().selectFrom("payment_events").select(["event_id", "webhook_event_id"]).where("order_id", "=", orderId).orderBy("cursor").execute();

  it("the poll's older answer arrives while the webhook's processing holds the order: it waits, then changes nothing", async () => {
    const { held, poll, body } = await pollHoldingPendingAnswer("whrace1");
    const lock = await holdOutboxLock(databaseUrl());
    let eventId: string;
    try {
      eventId = (await ingest(stack, body)).eventId;
      await lock.waitForWaiter("outbox"); // processing wrote CHARGED, not committed
      held.release();
      await lock.waitForWaiter("row"); // the poll's apply waits for the order
    } finally {
      await lock.release();
    }
    expect((await poll).order?.status).toBe(OrderStatus.CHARGED);
    expect((await waitForFinal(stack, eventId)).state).toBe("PROCESSED");
    expect(await orderRow("whrace1")).toEqual({ status: "CHARGED", version: 2n });
    expect(await eventsOf("whrace1")).toEqual([{ event_id: "ORDER_CHARGED:whrace1:2", webhook_event_id: eventId }]);
  });

  it("the webhook's processing arrives while the poll's older answer holds the order: it waits, then moves it on to CHARGED", async () => {
    const { held, poll, body } = await pollHoldingPendingAnswer("whrace2");
    const lock = await holdOutboxLock(databaseUrl());
    let eventId: string;
    try {
      held.release();
      await lock.waitForWaiter("outbox"); // the poll wrote PENDING_VBV, not committed
      eventId = (await ingest(stack, body)).eventId;
      await lock.waitForWaiter("row"); // the processing's apply waits for the order
    } finally {
      await lock.release();
    }
    expect((await poll).order?.status).toBe(OrderStatus.PENDING_VBV);
    expect((await waitForFinal(stack, eventId)).state).toBe("PROCESSED");
    expect(await orderRow("whrace2")).toEqual({ status: "CHARGED", version: 3n });
    expect(await eventsOf("whrace2")).toEqual([
      { event_id: "ORDER_STATUS_CHANGED:whrace2:2", webhook_event_id: null },
      { event_id: "ORDER_CHARGED:whrace2:3", webhook_event_id: eventId },
    ]);
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
