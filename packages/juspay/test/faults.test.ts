import { createServer } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CircuitBreakers,
  JuspayAuthenticationError,
  JuspayClient,
  JuspayDecodeError,
  JuspayDuplicateError,
  JuspayNetworkError,
  JuspayRateLimitedError,
  JuspayTimeoutError,
  JuspayUpstreamUnavailableError,
  findRefund,
  type JuspayClientConfig,
  type JuspayError,
} from "../src/index.js";
import { SIM_API_KEY, SIM_MERCHANT_ID, startSimulatorProcess, type SimulatorProcess } from "./helpers/simulator.js";

// Every fault class against tools/juspay-sim over real HTTP (reliability §3,
// criteria 7, 10-17): what is retried, with which idempotency handle, what
// the caller is told about the outcome, and how long it takes.

let sim: SimulatorProcess;
let juspay: JuspayClient;
const logs: { level: string; fields: Record<string, unknown>; message: string }[] = [];
let seq = 0;
const oid = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

const logger = Object.fromEntries(
  (["debug", "info", "warn", "error"] as const).map((level) => [level, (fields: Record<string, unknown>, message: string) => logs.push({ level, fields, message })]),
);

function clientFor(extra: Partial<JuspayClientConfig> = {}): JuspayClient {
  return new JuspayClient({
    baseUrl: sim.url,
    apiKey: SIM_API_KEY,
    merchantId: SIM_MERCHANT_ID,
    timeoutMs: 1_000,
    deadlineMs: 4_000,
    retry: { baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
    breaker: { kind: "off" },
    circuitBreakers: new CircuitBreakers(),
    logger,
    ...extra,
  });
}

async function requests(route: string): Promise<number> {
  return (await sim.counters()).requests[route] ?? 0;
}

async function failure(promise: Promise<unknown>): Promise<JuspayError> {
  try {
    await promise;
  } catch (err) {
    return err as JuspayError;
  }
  throw new Error("expected the call to fail");
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

async function paidOrder(amountMinor = 50_000): Promise<string> {
  const orderId = oid("f");
  await juspay.orders.create({ orderId, amountMinor });
  await sim.pay(orderId, { outcome: "success" });
  return orderId;
}

async function activeMandate(): Promise<string> {
  const orderId = oid("m");
  // A mandate's customer must exist at Juspay first.
  const customerId = `fc${oid("")}`;
  await juspay.customers.create({ objectReferenceId: customerId, mobileNumber: "9876543210" }, { routingId: customerId });
  await juspay.orders.create({ orderId, amountMinor: 100, customerId, mandate: { createMandate: "REQUIRED", maxAmountMinor: 5_000 } });
  await sim.pay(orderId, { outcome: "success", payment_method_type: "UPI", vpa: "success@upi" });
  return (await juspay.orders.status(orderId)).mandate!.mandateId;
}

beforeAll(async () => {
  sim = await startSimulatorProcess(["--time-scale", "0.000001"]);
  juspay = clientFor();
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(async () => {
  await sim.admin("DELETE", "faults");
});

describe("transient upstream failures", () => {
  it("503, 503, then OK: order status succeeds in 3 attempts", async () => {
    const orderId = await paidOrder();
    const before = await requests("order_status");
    await sim.faults({ route: "order_status", fault: { kind: "status", status: 503 }, times: 2 });
    const order = await juspay.orders.status(orderId);
    expect(order.status).toBe("CHARGED");
    expect((await requests("order_status")) - before).toBe(3);
  });

  it("502 (HTML) on a refund is retried with the same unique_request_id: one refund, one id", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "refund_order", fault: { kind: "status", status: 502, body: "html" }, times: 2 });
    const before = await requests("refund_order");
    const order = await juspay.orders.refund(orderId, { uniqueRequestId: `u${orderId}`, amountMinor: 1_000 });
    expect(findRefund(order, `u${orderId}`)?.status).toBe("PENDING");
    expect((await requests("refund_order")) - before).toBe(3);
    expect((await sim.counters()).uniqueRequestIdsPerOrder[orderId]).toEqual([`u${orderId}`]);
    expect(order.refunds).toHaveLength(1);
  });

  it("a refund that keeps failing with 5xx ends outcome-unknown, never failed", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "refund_order", fault: { kind: "status", status: 502, body: "html" }, times: "always" });
    const err = await failure(juspay.orders.refund(orderId, { uniqueRequestId: `u${orderId}`, amountMinor: 1_000 }));
    expect(err).toBeInstanceOf(JuspayUpstreamUnavailableError);
    expect(err).toMatchObject({ httpStatus: 502, htmlBody: true, outcome: "unknown", attempts: 3, retryable: true });
    expect(err.message).toMatch(/outcome unknown/);
  });

  it("HTML 5xx on a read → upstream unavailable after the retries (outcome not applicable: a read)", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "status", status: 503, body: "html" }, times: "always" });
    const err = await failure(juspay.orders.status(orderId));
    expect(err).toBeInstanceOf(JuspayUpstreamUnavailableError);
    expect(err).toMatchObject({ httpStatus: 503, htmlBody: true, outcome: "not_applied", attempts: 3 });
  });
});

describe("responses that never (fully) arrive", () => {
  it("accept-then-hang on a refund: outcome unknown within the caller's deadline; the refund exists at Juspay", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "refund_order", fault: { kind: "hang", afterHandler: true } });
    const { value: err, ms } = await timed(() => failure(juspay.orders.refund(orderId, { uniqueRequestId: `h${orderId}`, amountMinor: 2_000 }, { timeoutMs: 500 })));
    expect(err).toBeInstanceOf(JuspayTimeoutError);
    expect(err).toMatchObject({ reason: "deadline", outcome: "unknown", attempts: 1 });
    expect(ms).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(700);
    const order = await juspay.orders.status(orderId);
    expect(findRefund(order, `h${orderId}`)?.status).toBe("PENDING");
    expect((await sim.counters()).uniqueRequestIdsPerOrder[orderId]).toEqual([`h${orderId}`]);
  });

  it("accept-then-hang with time to retry: the retry (same id) gets duplicate.call → still outcome unknown, one id", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "refund_order", fault: { kind: "hang", afterHandler: true } });
    const quick = clientFor({ timeoutMs: 300 });
    const err = await failure(quick.orders.refund(orderId, { uniqueRequestId: `k${orderId}`, amountMinor: 2_000 }));
    expect(err).toBeInstanceOf(JuspayDuplicateError);
    expect(err).toMatchObject({ errorCode: "duplicate.call", outcome: "unknown", attempts: 2 });
    expect((await sim.counters()).uniqueRequestIdsPerOrder[orderId]).toEqual([`k${orderId}`]);
  });

  it("reset mid-body on a read is retried", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "reset" } });
    const before = await requests("order_status");
    expect((await juspay.orders.status(orderId)).status).toBe("CHARGED");
    expect((await requests("order_status")) - before).toBe(2);
  });

  it("reset mid-body on revoke → network error, outcome unknown, not retried; the revoke did happen", async () => {
    const mandateId = await activeMandate();
    await sim.faults({ route: "mandate_command", fault: { kind: "reset" } });
    const before = await requests("mandate_command");
    const err = await failure(juspay.mandates.revoke(mandateId));
    expect(err).toBeInstanceOf(JuspayNetworkError);
    expect(err).toMatchObject({ requestSent: true, outcome: "unknown", attempts: 1 });
    expect((await requests("mandate_command")) - before).toBe(1);
    expect((await juspay.mandates.checkStatus(mandateId)).status).toBe("REVOKED");
  });

  it("reset mid-body on a refund: the retry reuses the id and is told duplicate → outcome unknown", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "refund_order", fault: { kind: "reset" } });
    const err = await failure(juspay.orders.refund(orderId, { uniqueRequestId: `z${orderId}`, amountMinor: 3_000 }));
    expect(err).toBeInstanceOf(JuspayDuplicateError);
    expect(err.outcome).toBe("unknown");
    expect((await sim.counters()).uniqueRequestIdsPerOrder[orderId]).toEqual([`z${orderId}`]);
    const single = clientFor({ retry: { maxAttempts: 1 } });
    const orderId2 = await paidOrder();
    await sim.faults({ route: "refund_order", fault: { kind: "reset" } });
    const reset = await failure(single.orders.refund(orderId2, { uniqueRequestId: `y${orderId2}`, amountMinor: 3_000 }));
    expect(reset).toBeInstanceOf(JuspayNetworkError);
    expect(reset).toMatchObject({ outcome: "unknown", requestSent: true });
  });

  it("latency beyond the deadline: the call ends at the deadline, no retry is started", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "latency", ms: 2_000 }, times: "always" });
    const before = await requests("order_status");
    const { value: err, ms } = await timed(() => failure(juspay.orders.status(orderId, { timeoutMs: 300 })));
    expect(err).toBeInstanceOf(JuspayTimeoutError);
    expect(err).toMatchObject({ reason: "deadline", attempts: 1, retryable: false });
    expect(ms).toBeLessThan(450);
    expect((await requests("order_status")) - before).toBe(1);
  });

  it("a deadline or timeout that is not a whole number of milliseconds is honoured, not a crash", async () => {
    const orderId = await paidOrder();
    // AbortSignal.timeout throws a RangeError on a fraction; the service's deadlines are sums of fractions.
    await expect(juspay.orders.status(orderId, { deadline: Date.now() + 2_000.25 })).resolves.toMatchObject({ orderId });
    await expect(juspay.orders.status(orderId, { timeoutMs: 2_000.5 })).resolves.toMatchObject({ orderId });
  });

  it("an absolute deadline already past fails before sending", async () => {
    const before = await requests("order_status");
    const err = await failure(juspay.orders.status("o1", { deadline: new Date(Date.now() - 1) }));
    expect(err).toMatchObject({ kind: "timeout", reason: "deadline", attempts: 0, outcome: "not_applied" });
    expect(await requests("order_status")).toBe(before);
  });

  it("the caller's AbortSignal ends the call (aborted), its AbortSignal.timeout reads as a deadline", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "latency", ms: 2_000 }, times: "always" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await failure(juspay.orders.status(orderId, { signal: controller.signal }));
    expect(aborted).toMatchObject({ kind: "timeout", reason: "aborted" });
    const timedOut = await failure(juspay.orders.status(orderId, { signal: AbortSignal.timeout(150) }));
    expect(timedOut).toMatchObject({ kind: "timeout", reason: "deadline" });
  });
});

describe("answers that are not retried", () => {
  it("401 is not retried (one request) and says nothing about the key", async () => {
    const orderId = await paidOrder();
    const wrong = clientFor({ apiKey: "wrong_key_value_123" });
    const before = await requests("order_status");
    const err = await failure(wrong.orders.status(orderId));
    expect(err).toBeInstanceOf(JuspayAuthenticationError);
    expect(err).toMatchObject({ httpStatus: 401, errorCode: "access_denied", attempts: 1 });
    expect((await requests("order_status")) - before).toBe(1);
    const refund = await failure(wrong.orders.refund(orderId, { uniqueRequestId: `w${orderId}`, amountMinor: 100 }));
    expect(refund).toMatchObject({ kind: "authentication", outcome: "not_applied", attempts: 1 });
    expect(JSON.stringify(refund) + refund.message + String(refund.stack)).not.toMatch(/wrong_key_value_123|d3JvbmdfaW|Basic /);
  });

  it("200 with truncated JSON → decode error (read: not applied; refund: outcome unknown)", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "malformed_json" } });
    const read = await failure(juspay.orders.status(orderId));
    expect(read).toBeInstanceOf(JuspayDecodeError);
    expect(read).toMatchObject({ httpStatus: 200, outcome: "not_applied", attempts: 1 });
    expect((read as JuspayDecodeError).bodyExcerpt).toMatch(/^\{/);
    await sim.faults({ route: "refund_order", fault: { kind: "malformed_json" } });
    const refund = await failure(juspay.orders.refund(orderId, { uniqueRequestId: `j${orderId}`, amountMinor: 100 }));
    expect(refund).toBeInstanceOf(JuspayDecodeError);
    expect(refund).toMatchObject({ outcome: "unknown", attempts: 1 });
  });
});

describe("rate limiting", () => {
  it("429 with Retry-After is honoured", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "rate_limit", retryAfterSeconds: 1 } });
    const { value, ms } = await timed(() => juspay.orders.status(orderId));
    expect(value.status).toBe("CHARGED");
    expect(ms).toBeGreaterThanOrEqual(990);
  });

  it("a Retry-After that does not fit the deadline (or the cap) fails now with rate-limited", async () => {
    const orderId = await paidOrder();
    await sim.faults({ route: "order_status", fault: { kind: "rate_limit", retryAfterSeconds: 1 } });
    const { value: err, ms } = await timed(() => failure(juspay.orders.status(orderId, { timeoutMs: 500 })));
    expect(err).toBeInstanceOf(JuspayRateLimitedError);
    expect(err).toMatchObject({ httpStatus: 429, retryAfterMs: 1_000, attempts: 1 });
    expect(ms).toBeLessThan(200);
    await sim.faults({ route: "order_status", fault: { kind: "rate_limit", retryAfterSeconds: 30 } });
    const capped = await timed(() => failure(juspay.orders.status(orderId)));
    expect(capped.value).toMatchObject({ kind: "rate_limited", retryAfterMs: 30_000 });
    expect(capped.ms).toBeLessThan(200);
  });

  it("a 429 is retried even for revoke (Juspay did not act)", async () => {
    const mandateId = await activeMandate();
    await sim.faults({ route: "mandate_command", fault: { kind: "rate_limit", retryAfterSeconds: 0 } });
    expect((await juspay.mandates.revoke(mandateId)).status).toBe("REVOKED");
  });
});

describe("circuit breaker", () => {
  it("opens after repeated failures, fails fast without calling, closes after a successful half-open probe", async () => {
    const orderId = await paidOrder();
    const guarded = clientFor({ breaker: { kind: "consecutive", threshold: 3, halfOpenAfterMs: 300 }, retry: { maxAttempts: 1 } });
    await sim.faults({ route: "order_status", fault: { kind: "status", status: 503 }, times: 3 });
    for (let i = 0; i < 3; i++) expect(await failure(guarded.orders.status(orderId))).toMatchObject({ httpStatus: 503, circuitOpen: false });
    expect(guarded.circuitState).toBe("open");
    const before = await requests("order_status");
    const { value: open, ms } = await timed(() => failure(guarded.orders.status(orderId)));
    expect(open).toBeInstanceOf(JuspayUpstreamUnavailableError);
    expect(open).toMatchObject({ circuitOpen: true, attempts: 0, httpStatus: null });
    expect(open.message).toMatch(/circuit open/);
    expect(ms).toBeLessThan(50);
    expect(await requests("order_status")).toBe(before);

    // A failing probe re-opens it…
    await new Promise((r) => setTimeout(r, 350));
    await sim.faults({ route: "order_status", fault: { kind: "status", status: 503 } });
    expect(await failure(guarded.orders.status(orderId))).toMatchObject({ httpStatus: 503 });
    expect(guarded.circuitState).toBe("open");
    // …a successful one closes it.
    await new Promise((r) => setTimeout(r, 350));
    expect((await guarded.orders.status(orderId)).status).toBe("CHARGED");
    expect(guarded.circuitState).toBe("closed");
    expect((await guarded.orders.status(orderId)).status).toBe("CHARGED");
  });

  it("refused connections: retried even for revoke (nothing was sent), then the breaker opens", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const dead = clientFor({ baseUrl: `http://127.0.0.1:${port}`, breaker: { kind: "consecutive", threshold: 5, halfOpenAfterMs: 60_000 } });
    const first = await failure(dead.mandates.revoke("md_1"));
    expect(first).toBeInstanceOf(JuspayNetworkError);
    expect(first).toMatchObject({ code: "ECONNREFUSED", requestSent: false, outcome: "not_applied", attempts: 3 });
    const second = await failure(dead.orders.status("o1"));
    expect(second).toMatchObject({ kind: "upstream_unavailable", circuitOpen: true, attempts: 2 });
    const { value: third, ms } = await timed(() => failure(dead.orders.status("o1")));
    expect(third).toMatchObject({ circuitOpen: true, attempts: 0 });
    expect(ms).toBeLessThan(50);
  });
});

describe("log hygiene", () => {
  it("no log line carries the API key, an Authorization value, an email or a phone", () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = JSON.stringify(logs);
    const basic = Buffer.from(`${SIM_API_KEY}:`).toString("base64");
    for (const secret of [SIM_API_KEY, basic, "wrong_key_value_123", "Basic "]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/);
    expect(logs.some((l) => l.message === "juspay retry")).toBe(true);
  });
});
