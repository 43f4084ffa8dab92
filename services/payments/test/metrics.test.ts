import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { DEFAULT_BREAKER_SETTINGS, sharedCircuitBreakers } from "@payments/juspay";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { SdkProcessStatus } from "@payments/proto/payments/v1/payload_service_pb";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import type { DatabaseSchema } from "../src/db/schema.js";
import { feedDatabaseGauges } from "../src/metrics/db-collectors.js";
import { juspayEndpointNamer } from "../src/metrics/juspay-endpoint.js";
import { ServiceMetrics } from "../src/metrics/metrics-registry.js";
import { createSimOrder, insertOrderRow } from "./helpers/orders.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";
import { testCallersEnv } from "./helpers/test-callers.js";
import { ingest, orderWebhookBody, waitForFinal } from "./helpers/webhooks.js";

// Prometheus metrics scraped over HTTP from their own port after real calls
// through the stack (gRPC, the simulator over HTTP, the job worker, the
// database): names, labels and values move the way the runbook reads them.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The exposition text as samples (enough of the format for what the service emits). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
  ) {}

  /** The sum over the series of `name` whose labels include `labels` (0 when none). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((total, s) => total + s.value, 0);
  }

  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ metrics: true });
});
afterAll(async () => stack?.stop());

async function scrape(): Promise<Scrape> {
  const res = await fetch(stack.metricsUrl!);
  expect(res.status).toBe(200);
  const text = await res.text();
  return new Scrape(text, parseExposition(text));
}

const rpc = (service: string, method: string) => `payments.v1.${service}/${method}`;

describe("the metrics endpoint", () => {
  it("serves GET /metrics on its own port, not on the RPC port, with the process metrics", async () => {
    const metricsPort = Number(new URL(stack.metricsUrl!).port);
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(stack.server.address.port);
    const res = await fetch(stack.metricsUrl!);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = new Scrape(await res.text(), []);
    expect(s.text).toMatch(/^# HELP payments_rpc_requests_total /m);
    expect(s.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(s.text).toMatch(/^process_resident_memory_bytes /m);
    // The RPC port does not serve metrics, and the metrics port serves nothing else.
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).not.toBe(200);
    expect((await fetch(stack.metricsUrl!.replace(/\/metrics$/, "/other"))).status).toBe(404);
    expect((await fetch(stack.metricsUrl!, { method: "POST" })).status).toBe(405);
  });
});

describe("RPC metrics", () => {
  it("count each call by method and the gRPC code the caller got, and time it", async () => {
    const method = rpc("OrderService", "GetOrderStatus");
    const before = await scrape();
    await expect(stack.orders.getOrderStatus({ orderId: "no such order!" })).rejects.toMatchObject({ code: Code.InvalidArgument });
    await expect(stack.orders.getOrderStatus({ orderId: "mtrnosuchorder" })).rejects.toMatchObject({ code: Code.NotFound });
    await expect(stack.orders.getOrderStatus({ orderId: "mtrnosuchorder" })).rejects.toMatchObject({ code: Code.NotFound });
    // No token: refused by authentication, inside the metrics interceptor, so still counted.
    const anonymous = createClient(OrderService, createGrpcTransport({ baseUrl: stack.baseUrl }));
    await expect(anonymous.getOrderStatus({ orderId: "mtrnosuchorder" })).rejects.toMatchObject({ code: Code.Unauthenticated });
    const after = await scrape();

    const delta = (code: string) => after.sum("payments_rpc_requests_total", { method, code }) - before.sum("payments_rpc_requests_total", { method, code });
    expect(delta("INVALID_ARGUMENT")).toBe(1);
    expect(delta("NOT_FOUND")).toBe(2);
    expect(delta("UNAUTHENTICATED")).toBe(1);
    expect(after.sum("payments_rpc_duration_seconds_count", { method, code: "NOT_FOUND" })).toBe(after.sum("payments_rpc_requests_total", { method, code: "NOT_FOUND" }));
    expect(after.sum("payments_rpc_duration_seconds_bucket", { method, code: "NOT_FOUND", le: "+Inf" })).toBeGreaterThanOrEqual(2);
  });

  it("count a successful call as OK", async () => {
    const method = rpc("PayloadService", "CreateProcessPayload");
    const before = (await scrape()).sum("payments_rpc_requests_total", { method, code: "OK" });
    await stack.payloads.createProcessPayload({ idempotencyKey: "mtr-ok-1", orderId: "mtrok1", amount: { amountMinor: 1_000n, currency: "INR" }, customerId: "cust_m" });
    expect((await scrape()).sum("payments_rpc_requests_total", { method, code: "OK" })).toBe(before + 1);
  });
});

describe("Juspay metrics", () => {
  it("count each HTTP request by endpoint template and outcome, and never put an id in a label", async () => {
    const endpoint = "GET /orders/:id";
    await insertOrderRow(stack, { orderId: "mtrjus1", amountMinor: 700n });
    await createSimOrder(stack, { orderId: "mtrjus1", amountMinor: 700n });
    await insertOrderRow(stack, { orderId: "mtrjus2", amountMinor: 700n }); // Juspay has never seen it: 404
    // The worker's jobs call Juspay too (an earlier test's payload schedules an
    // order sync that Juspay answers 404): paused, only these two calls count.
    await stack.service.worker!.stop(1_000);
    try {
      const before = await scrape();
      await stack.orders.getOrderStatus({ orderId: "mtrjus1" });
      await stack.orders.getOrderStatus({ orderId: "mtrjus2" });
      const after = await scrape();
      const delta = (outcome: string) => after.sum("payments_juspay_requests_total", { endpoint, outcome }) - before.sum("payments_juspay_requests_total", { endpoint, outcome });
      expect(delta("success")).toBe(1);
      expect(delta("client_error")).toBe(1);
      expect(after.sum("payments_juspay_duration_seconds_count", { endpoint })).toBe(after.sum("payments_juspay_requests_total", { endpoint }));
      expect(after.text).not.toContain("mtrjus");
      expect(after.text).not.toContain("mtrnosuchorder");
    } finally {
      stack.service.worker!.start();
    }
  });

  it("show the circuit breaker of Juspay's base URL: 0 while closed, 1 while it refuses calls", async () => {
    const endpoint = stack.sim.url.replace(/\/+$/, "");
    expect((await scrape()).matching("payments_juspay_circuit_open", { endpoint }).map((s) => s.value)).toEqual([0]);
    const isolation = sharedCircuitBreakers.forBaseUrl(stack.sim.url, DEFAULT_BREAKER_SETTINGS).isolate();
    try {
      expect((await scrape()).sum("payments_juspay_circuit_open", { endpoint })).toBe(1);
    } finally {
      isolation.dispose();
    }
    expect((await scrape()).sum("payments_juspay_circuit_open", { endpoint })).toBe(0);
  });
});

describe("database gauges", () => {
  it("follow the job queue: live jobs by kind and state, and the age of the oldest due one nobody claimed", async () => {
    const first = await scrape();
    // Every known kind is there in every live state, at 0 when it has none.
    expect(first.matching("payments_jobs", { kind: "refund.sync", state: "running" })).toHaveLength(1);
    expect(first.matching("payments_jobs_oldest_due_age_seconds", { kind: "refund.sync" })).toHaveLength(1);

    // With the worker stopped, a payload's order sync (due 200 ms later) waits in the queue and ages.
    await stack.service.worker!.stop(1_000);
    try {
      await stack.payloads.createProcessPayload({ idempotencyKey: "mtr-job-1", orderId: "mtrjob1", amount: { amountMinor: 1_000n, currency: "INR" }, customerId: "cust_m" });
      const waiting = await eventually(async () => {
        const s = await scrape();
        return s.sum("payments_jobs_oldest_due_age_seconds", { kind: "order.sync" }) > 0.2 ? s : undefined;
      }, 10_000, "the order sync to be due and waiting");
      expect(waiting.sum("payments_jobs", { kind: "order.sync", state: "available" })).toBeGreaterThanOrEqual(1);
    } finally {
      stack.service.worker!.start();
    }
    // Once claimed and rescheduled (the order is unpaid), nothing of that kind is overdue any more.
    await eventually(async () => ((await scrape()).sum("payments_jobs_oldest_due_age_seconds", { kind: "order.sync" }) === 0 ? true : undefined), 10_000, "the worker to take the due sync");
  });

  it("follow the webhook backlog, and the processing lag is observed", async () => {
    const before = await scrape();
    // An event for an order we do not have ends UNMATCHED (kept for the sweep).
    const res = await ingest(stack, orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "mtrwh1", amount: 10, status: "CHARGED" }));
    expect((await waitForFinal(stack, res.eventId)).state).toBe("UNMATCHED");
    const after = await eventually(async () => {
      const s = await scrape();
      return s.sum("payments_webhook_processing_lag_seconds_count") > before.sum("payments_webhook_processing_lag_seconds_count") ? s : undefined;
    }, 10_000, "the processing lag to be observed");
    expect(after.sum("payments_webhook_events", { state: "UNMATCHED" })).toBe(before.sum("payments_webhook_events", { state: "UNMATCHED" }) + 1);
    expect(after.sum("payments_webhook_events", { state: "RECEIVED" })).toBe(0);
    expect(after.sum("payments_webhook_oldest_unprocessed_age_seconds")).toBe(0);
    expect(after.sum("payments_rpc_requests_total", { method: rpc("WebhookService", "IngestJuspayWebhook"), code: "OK" })).toBeGreaterThanOrEqual(1);
  });

  it("count refunds in MANUAL_REVIEW", async () => {
    const before = (await scrape()).sum("payments_refunds_manual_review");
    await insertOrderRow(stack, { orderId: "mtrrf1", amountMinor: 700n });
    await stack.database.database.db
      .insertInto("refunds")
      .values({ refund_id: "rf_mtr1", unique_request_id: "mtr1", order_id: "mtrrf1", amount_minor: 700n, currency: "INR", status: "MANUAL_REVIEW", reason: null, caller_key: "test/mtr1", request_hash: "h" })
      .execute();
    expect((await scrape()).sum("payments_refunds_manual_review")).toBe(before + 1);
  });

  it("are left out of a scrape when the database cannot answer, and the failure is counted", async () => {
    const metrics = new ServiceMetrics();
    // Nothing listens on port 9: every read fails at once.
    const unreachable = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: "postgres://nobody@127.0.0.1:9/none", connectionTimeoutMillis: 1_000 }) }) });
    const failures: unknown[] = [];
    feedDatabaseGauges(metrics, unreachable, (err) => failures.push(err));
    try {
      const s = new Scrape("", parseExposition(await metrics.render()));
      expect(s.matching("payments_jobs")).toEqual([]);
      expect(s.matching("payments_webhook_events")).toEqual([]);
      expect(s.sum("payments_refunds_manual_review")).toBeNaN();
      expect(s.sum("payments_metrics_database_collect_failures_total")).toBe(1);
      expect(failures).toHaveLength(1);
      expect(s.sum("payments_rpc_requests_total")).toBe(0);
    } finally {
      await unreachable.destroy();
    }
  });
});

describe("alerts", () => {
  it("exist at 0 from the start and count what the app flags", async () => {
    const first = await scrape();
    for (const alert of ["integrity_mismatch", "refund_manual_review", "sdk_status_mismatch", "juspay_auth_failed"]) {
      expect(first.matching("payments_alerts_total", { alert })).toHaveLength(1);
    }
    await stack.payloads.createProcessPayload({ idempotencyKey: "mtr-alert-1", orderId: "mtralert1", amount: { amountMinor: 1_000n, currency: "INR" }, customerId: "cust_m" });
    // The app claims charged for an order nobody paid.
    await stack.payloads.verifySdkResult({ orderId: "mtralert1", reportedStatus: SdkProcessStatus.CHARGED });
    expect((await scrape()).sum("payments_alerts_total", { alert: "sdk_status_mismatch" })).toBe(first.sum("payments_alerts_total", { alert: "sdk_status_mismatch" }) + 1);
  });
});

describe("Juspay endpoint names", () => {
  it("keep Juspay's path words and replace everything else by :id, under the base URL's own path", () => {
    const name = juspayEndpointNamer("https://sandbox.example.com/api/", ["/txns/v2/orders/{order_id}", "/ecr/executions/{order_id}/status"]);
    expect(name("GET", "https://sandbox.example.com/api/orders/ord%40x.y?options.add_full_gateway_response=true")).toBe("GET /orders/:id");
    expect(name("POST", "https://sandbox.example.com/api/orders/o1/refunds")).toBe("POST /orders/:id/refunds");
    expect(name("post", "https://sandbox.example.com/api/v4/order-status")).toBe("POST /v4/order-status");
    expect(name("GET", "https://sandbox.example.com/api/customers/cust_9/mandates")).toBe("GET /customers/:id/mandates");
    expect(name("GET", "https://sandbox.example.com/api/ecr/executions/o2/status")).toBe("GET /ecr/executions/:id/status");
    expect(name("GET", "https://sandbox.example.com/api/somewhere/new/123")).toBe("GET /:id/:id/:id");
    expect(name("TRACE", "https://sandbox.example.com/api/session")).toBe("OTHER /session");
  });
});

describe("metrics configuration", () => {
  const base = { JUSPAY_BASE_URL: "http://127.0.0.1:8090", JUSPAY_API_KEY: "k", JUSPAY_MERCHANT_ID: "m", JUSPAY_CLIENT_ID: "c", CALLERS: testCallersEnv() };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };

  it("defaults to 127.0.0.1:9464, follows PORT=0 to a free port, and can be turned off", () => {
    expect(loadConfig(base).metrics).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(loadConfig({ ...base, PORT: "0" }).metrics).toEqual({ host: "127.0.0.1", port: 0 });
    expect(loadConfig({ ...base, METRICS_HOST: "0.0.0.0", METRICS_PORT: "9100" }).metrics).toEqual({ host: "0.0.0.0", port: 9100 });
    expect(loadConfig({ ...base, METRICS_PORT: "off" }).metrics.port).toBeNull();
  });

  it("reports a bad METRICS_PORT, or the RPC port, by name", () => {
    expect(problems({ METRICS_PORT: "ninety" })).toMatch(/METRICS_PORT: must be a whole number/);
    expect(problems({ METRICS_PORT: "70000" })).toMatch(/METRICS_PORT: must be a whole number/);
    expect(problems({ PORT: "9000", METRICS_PORT: "9000" })).toMatch(/METRICS_PORT: must differ from PORT/);
  });
});
