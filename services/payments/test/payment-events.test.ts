import { fromBinary } from "@bufbuild/protobuf";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { OrderSchema, RefundSchema } from "@payments/proto/payments/v1/order_pb";
import { OrderStatus, RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshOrder } from "../src/app/orders/refresh-order.js";
import { streamPaymentEvents, type StreamItem } from "../src/app/events/stream-payment-events.js";
import { seedPaidOrder } from "./helpers/orders.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// The payment events outbox: one event per change, appended with the change,
// read in cursor order; a consumer resuming from its cursor misses nothing
// and sees nothing twice, also while many transactions append at once.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

/** Reads events after `after` until `count` arrived (or the timeout), then stops the stream. */
async function read(after: bigint, count: number, types: string[] = []): Promise<StreamItem[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const items: StreamItem[] = [];
  for await (const item of streamPaymentEvents(stack.service.app, { after, types, signal: controller.signal, pollIntervalMs: 50 })) {
    if (item.kind === "event") items.push(item);
    if (items.length >= count) break;
  }
  clearTimeout(timer);
  return items;
}

const eventsOf = (items: StreamItem[]) => items.flatMap((i) => (i.kind === "event" ? [i.event] : []));

describe("payment events", () => {
  it("announces a payment and a refund once each, with the subject as it was", async () => {
    await seedPaidOrder(stack, { orderId: "pev1", amountMinor: 10_000n });
    await stack.orders.getOrderStatus({ orderId: "pev1" });
    await refreshOrder(stack.service.app, "pev1", {});
    const refund = await stack.orders.refundOrder({ idempotencyKey: "pev1-refund", orderId: "pev1", amount: { amountMinor: 1_000n, currency: "INR" } });
    stack.sim.clock.advance(6 * 60_000);
    await eventually(async () => ((await stack.orders.getRefund({ selector: { case: "refundId", value: refund.refund!.refundId } })).refund?.status === RefundStatus.SUCCESS ? true : undefined));

    const events = eventsOf(await read(0n, 3)).filter((e) => e.order_id === "pev1");
    expect(events.map((e) => e.type)).toEqual(["ORDER_CHARGED", "REFUND_CREATED", "REFUND_SUCCEEDED"]);
    expect(fromBinary(OrderSchema, events[0]!.subject).status).toBe(OrderStatus.CHARGED);
    expect(fromBinary(RefundSchema, events[1]!.subject).status).toBe(RefundStatus.PENDING);
    expect(fromBinary(RefundSchema, events[2]!.subject).status).toBe(RefundStatus.SUCCESS);
    expect(events.every((e) => e.customer_id === "cust1")).toBe(true);
  });

  it("resumes after a cursor with nothing missed and nothing twice, while many orders change at once", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `pevc${i}`);
    for (const orderId of ids) await seedPaidOrder(stack, { orderId, amountMinor: 5_000n });
    const start = (await stack.service.app.db.selectFrom("payment_events").select(stack.service.app.db.fn.max("cursor").as("max")).executeTakeFirst())?.max;
    const after = start === null || start === undefined ? 0n : BigInt(start);
    // A first consumer reads while the changes commit concurrently, and disconnects after 5 events.
    const first = read(after, 5, ["ORDER_CHARGED"]);
    await Promise.all(ids.map((orderId) => refreshOrder(stack.service.app, orderId, {})));
    const seenFirst = eventsOf(await first);
    expect(seenFirst).toHaveLength(5);
    // It resumes from its last cursor.
    const rest = eventsOf(await read(seenFirst.at(-1)!.cursor, ids.length - 5, ["ORDER_CHARGED"]));
    const all = [...seenFirst, ...rest];
    expect(all.map((e) => e.order_id).sort()).toEqual([...ids].sort());
    const cursors = all.map((e) => e.cursor);
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it("sends a heartbeat with the cursor reached when nothing matches", async () => {
    const controller = new AbortController();
    const items: StreamItem[] = [];
    for await (const item of streamPaymentEvents(stack.service.app, { after: "now", types: ["MANDATE_REVOKED"], signal: controller.signal, pollIntervalMs: 20, heartbeatMs: 100 })) {
      items.push(item);
      if (item.kind === "heartbeat") break;
    }
    expect(items).toHaveLength(1);
    expect(items[0]!.kind).toBe("heartbeat");
  });

  it("is served over gRPC: a consumer disconnects midway and resumes from its cursor, receiving every event once, in order", async () => {
    const ids = ["pevg1", "pevg2", "pevg3", "pevg4"];
    for (const orderId of ids) await seedPaidOrder(stack, { orderId, amountMinor: 2_000n });
    const newest = (await stack.service.app.db.selectFrom("payment_events").select(stack.service.app.db.fn.max("cursor").as("max")).executeTakeFirst())?.max;
    const after = newest === null || newest === undefined ? 0n : BigInt(newest);
    const types = [PaymentEventType.ORDER_CHARGED];
    const received: { cursor: bigint; orderId: string }[] = [];
    // Leaving the loop cancels the call: the consumer's disconnect.
    const consume = async (from: bigint, stopAfter: number) => {
      for await (const res of stack.webhooks.streamPaymentEvents({ start: { case: "afterCursor", value: from }, types }, { timeoutMs: 15_000 })) {
        if (res.message.case !== "event") continue;
        received.push({ cursor: res.message.value.cursor, orderId: res.message.value.orderId });
        if (received.length >= stopAfter) break;
      }
    };
    const first = consume(after, 2);
    for (const orderId of ids) await stack.orders.getOrderStatus({ orderId });
    await first;
    await consume(received.at(-1)!.cursor, ids.length);
    expect(received.map((r) => r.orderId)).toEqual(ids);
    const cursors = received.map((r) => r.cursor);
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
  });
});
