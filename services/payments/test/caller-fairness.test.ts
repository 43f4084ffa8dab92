import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor, errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { WebhookService } from "@payments/proto/payments/v1/webhook_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, type Caller } from "../src/auth/callers.js";
import type { Scope } from "../src/auth/scopes.js";
import { callFailure } from "./helpers/call-failure.js";
import { createSimOrder, insertOrderRow, seedPaidOrder } from "./helpers/orders.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// Issue 15, finding 6: one caller cannot starve the others. Each caller holds
// at most its share of the unary and stream budgets; WatchOrder and
// StreamPaymentEvents have separate budgets; concurrent GetOrderStatus
// refreshes of one order share one Juspay call; and a stream ends cleanly
// after its maximum lifetime. Juspay is slowed through the simulator's admin
// API, and calls are counted there.

function caller(id: string, scopes: Scope[]): { caller: Caller; token: string } {
  const token = `token-of-${id}-0123456789abcdef`;
  return { caller: { id, scopes: new Set(scopes), tokenSha256: [sha256Hex(token)], customerScoped: false, rateLimit: { perSecond: 100_000, burst: 100_000 } }, token };
}

const greedy = caller("greedy", ["orders.read"]);
const billing = caller("billing", ["orders.read"]);
const consumer = caller("events", ["events.read"]);

function transportOf(stack: Stack, token: string): Transport {
  return createGrpcTransport({ baseUrl: stack.baseUrl, interceptors: [bearerTokenInterceptor(token)] });
}

async function simAdmin(stack: Stack, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${stack.sim.url}/__admin${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sim admin ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function statusCalls(stack: Stack): Promise<number> {
  const counters = (await simAdmin(stack, "GET", "/counters")) as { requests: Record<string, number> };
  return counters.requests["order_status"] ?? 0;
}

async function unpaidOrder(stack: Stack, orderId: string): Promise<void> {
  await insertOrderRow(stack, { orderId, amountMinor: 1_000n });
  await createSimOrder(stack, { orderId, amountMinor: 1_000n });
}

describe("budgets shared fairly", () => {
  let stack: Stack;
  beforeAll(async () => {
    // Each caller may hold half of a budget: 2 of the 4 unary slots, 2 of the 4 watch streams.
    stack = await startStack({
      jobs: false,
      callers: [greedy.caller, billing.caller, consumer.caller],
      limits: { unary: 4, streams: 4, eventStreams: 2, callerSharePercent: 50 },
    });
    for (const id of ["fairG0", "fairG1", "fairG2", "fairG3", "fairB0", "fairW0", "fairW1"]) await unpaidOrder(stack, id);
    // A paid order, refreshed once: the outbox then holds an event for the stream consumer.
    await seedPaidOrder(stack, { orderId: "fairPaid", amountMinor: 1_000n });
    await stack.orders.getOrderStatus({ orderId: "fairPaid" });
  });
  afterAll(async () => stack?.stop());

  it("a caller at its share of the unary budget leaves room for another caller", async () => {
    // Juspay never answers for greedy's orders: each admitted call holds its slot until its deadline.
    await simAdmin(stack, "POST", "/faults", { route: "order_status", fault: { kind: "hang" }, times: "always", pathIncludes: "fairG" });
    const before = await statusCalls(stack);
    const greedyOrders = createClient(OrderService, transportOf(stack, greedy.token));
    const controller = new AbortController();
    const outcomes: [Code, ErrorReason | undefined][] = [];
    const calls = ["fairG0", "fairG1", "fairG2", "fairG3"].map((orderId) =>
      greedyOrders.getOrderStatus({ orderId }, { signal: controller.signal }).then(
        () => void outcomes.push([Code.Unknown, undefined]),
        (err: unknown) => void outcomes.push([ConnectError.from(err).code, errorReason(ConnectError.from(err))]),
      ),
    );
    // Every one of greedy's four calls was either refused or is waiting on Juspay.
    await eventually(async () => (outcomes.length + (await statusCalls(stack)) - before === 4 ? true : undefined), 10_000, "greedy's calls to settle in");
    expect((await statusCalls(stack)) - before).toBe(2);
    expect(outcomes).toEqual([
      [Code.ResourceExhausted, ErrorReason.OVERLOADED],
      [Code.ResourceExhausted, ErrorReason.OVERLOADED],
    ]);

    // The unary budget has room (4), but greedy holds its share (2): billing still gets in.
    const billed = await createClient(OrderService, transportOf(stack, billing.token)).getOrderStatus({ orderId: "fairB0" });
    expect(billed.order?.orderId).toBe("fairB0");
    controller.abort();
    await Promise.all(calls);
    await simAdmin(stack, "DELETE", "/faults");
  });

  it("watchers at their cap do not stop a StreamPaymentEvents consumer", async () => {
    const controller = new AbortController();
    const open: Promise<void>[] = [];
    const watchersReady: Promise<void>[] = [];
    for (const [token, orderId] of [
      [greedy.token, "fairW0"],
      [greedy.token, "fairW1"],
      [billing.token, "fairW0"],
      [billing.token, "fairW1"],
    ] as const) {
      const stream = createClient(OrderService, transportOf(stack, token)).watchOrder({ orderId }, { signal: controller.signal })[Symbol.asyncIterator]();
      watchersReady.push(stream.next().then(() => undefined));
      open.push((async () => void (await stream.next().catch(() => undefined)))());
    }
    await Promise.all(watchersReady);
    try {
      // The watch budget (4) is full.
      const fifth = createClient(OrderService, transportOf(stack, billing.token)).watchOrder({ orderId: "fairW0" })[Symbol.asyncIterator]().next();
      const refusedWatch = await callFailure(fifth);
      expect([refusedWatch.code, errorReason(refusedWatch)]).toEqual([Code.ResourceExhausted, ErrorReason.OVERLOADED]);

      // The event consumer has its own budget.
      const events = createClient(WebhookService, transportOf(stack, consumer.token)).streamPaymentEvents({ start: { case: "afterCursor", value: 0n } }, { signal: controller.signal });
      const first = await events[Symbol.asyncIterator]().next();
      expect(first.done).toBe(false);
      expect(first.value?.message.case).toBe("event");
    } finally {
      controller.abort();
      await Promise.all(open);
    }
  });
});

describe("one refresh per order, streams with a lifetime", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ jobs: false, callers: [consumer.caller], limits: { maxStreamLifetimeMs: 1_500, streams: 1 } });
    await unpaidOrder(stack, "lifeW0");
    await unpaidOrder(stack, "fairOne");
  });
  afterAll(async () => stack?.stop());

  it("concurrent refreshing GetOrderStatus calls for one order make exactly one Juspay status call", async () => {
    // The first status call of this order takes 2 s; any second call would be answered at once.
    await simAdmin(stack, "POST", "/faults", { route: "order_status", fault: { kind: "latency", ms: 2_000 }, times: 1, pathIncludes: "fairOne" });
    const before = await statusCalls(stack);
    const answers = await Promise.all(Array.from({ length: 8 }, () => stack.orders.getOrderStatus({ orderId: "fairOne" }, { timeoutMs: 10_000 })));
    expect((await statusCalls(stack)) - before).toBe(1);
    for (const answer of answers) {
      expect(answer.order?.orderId).toBe("fairOne");
      expect(answer.stale).toBe(false);
    }
    await simAdmin(stack, "DELETE", "/faults");
  });


  it("a stream past its maximum lifetime ends cleanly, its slot free again", async () => {
    const watch = async (): Promise<number> => {
      let messages = 0;
      for await (const state of stack.orders.watchOrder({ orderId: "lifeW0" }, { timeoutMs: 20_000 })) {
        expect(state.order?.orderId).toBe("lifeW0");
        messages++;
      }
      return messages;
    };
    // The order never changes: only the lifetime can end the stream, with OK (the loop ends without an error).
    expect(await watch()).toBe(1);
    // Its slot of the one-stream budget is back.
    expect(await watch()).toBe(1);

    let events = 0;
    const stream = createClient(WebhookService, transportOf(stack, consumer.token)).streamPaymentEvents({ start: { case: "fromNow", value: true } }, { timeoutMs: 20_000 });
    for await (const _ of stream) events++;
    expect(events).toBe(0);
  });
});
