import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type Simulator } from "@payments/juspay-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { PayloadService } from "@payments/proto/payments/v1/payload_service_pb";
import { OrderStatus, WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { WebhookService, type WebhookEvent } from "@payments/proto/payments/v1/webhook_service_pb";
import { SIGNING_KEY_ID, testSigningKey } from "./helpers/stack.js";
import { startBridgeProcess, startServiceProcess, type RunningProcess } from "./helpers/processes.js";
import { startTcpProxy, type TcpProxy } from "./helpers/tcp-proxy.js";
import { openMigratedPglite } from "./helpers/database-templates.js";
import { openMigratedTestDatabase, postgresUrlOf, realPostgresUrl, type TestDatabase } from "./helpers/test-database.js";
import { bearerTokenInterceptor } from "@payments/client";
import { TEST_TOKEN } from "./helpers/test-callers.js";

// Issue 6 end to end, every part a separate process except the simulator:
// Juspay (simulated, delivering webhooks with its retry schedule) -> the
// webhook bridge -> the payments service -> Postgres. The service is killed
// while webhooks keep coming, and (on a real Postgres server) the database
// "stops" behind a TCP proxy: Juspay's retries must bring every event in,
// stored exactly once and processed.

const USERNAME = "juspay_e2e";
const PASSWORD = "e2e-webhook-password";

let sim: Simulator;
let testDb: TestDatabase | undefined;
let pgliteDir: string | undefined;
let proxy: TcpProxy | undefined;
let servicePort: number;
let serviceEnv: Record<string, string>;
let service: RunningProcess | undefined;
let bridge: RunningProcess;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  // A simulated minute per 0.1 real second: Juspay's retries (1 min, 5 min, 10 min, ...) come quickly.
  sim = await startSimulator({ port: 0, timeScale: 600 });
  const serverUrl = realPostgresUrl();
  let databaseEnv: Record<string, string>;
  if (serverUrl !== undefined) {
    testDb = await openMigratedTestDatabase(serverUrl);
    const url = new URL(postgresUrlOf(testDb));
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    databaseEnv = { DATABASE_URL: url.toString() };
  } else {
    pgliteDir = mkdtempSync(join(tmpdir(), "payments-e2e-"));
    await (await openMigratedPglite(pgliteDir)).close();
    databaseEnv = { PGLITE_DATA_DIR: pgliteDir };
  }
  servicePort = await freePort();
  serviceEnv = {
    PORT: String(servicePort),
    // A fixed PORT would put metrics on the default 9464, which another test run on this machine may hold.
    METRICS_PORT: "0",
    JUSPAY_BASE_URL: sim.url,
    JUSPAY_API_KEY: sim.options.apiKey,
    JUSPAY_MERCHANT_ID: sim.options.merchantId,
    JUSPAY_CLIENT_ID: "sim_client",
    JUSPAY_SIGNING_KEY: testSigningKey().privateKeyPem,
    JUSPAY_SIGNING_KEY_ID: SIGNING_KEY_ID,
    JOBS_POLL_INTERVAL_MS: "50",
    // A job the killed process was running comes back after 2 s without its heartbeat.
    JOBS_RESCUE_AFTER_MS: "2000",
    SHUTDOWN_GRACE_MS: "1000",
    ...databaseEnv,
  };
  service = await startServiceProcess(serviceEnv);
  // PGlite is one process's database: the test sees it only through the service's API.
  bridge = await startBridgeProcess({ PAYMENTS_URL: `http://127.0.0.1:${servicePort}`, WEBHOOK_USERNAME: USERNAME, WEBHOOK_PASSWORD: PASSWORD, FORWARD_TIMEOUT_MS: "2000" });
  sim.webhooks.configure({ url: `http://${bridge.address}/webhooks/juspay`, username: USERNAME, password: PASSWORD, attemptTimeoutMs: 3_000 });
}, 120_000);

afterAll(async () => {
  await service?.kill("SIGTERM");
  await bridge?.kill("SIGTERM");
  await sim?.close();
  await proxy?.close();
  await testDb?.drop();
  if (pgliteDir !== undefined) rmSync(pgliteDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it holds (fails after `timeoutMs`). */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function simPost(path: string, body: Record<string, string>, json = false): Promise<void> {
  const res = await fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: json
      ? { "content-type": "application/json" }
      : { authorization: `Basic ${Buffer.from(`${sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

/** The order at the simulator, paid by the customer (Juspay then sends its webhooks). */
async function payAtJuspay(orderId: string): Promise<void> {
  await simPost("/orders", { order_id: orderId, amount: "20.00", currency: "INR", customer_id: "cust_e2e" });
  await simPost(`/__admin/orders/${orderId}/pay`, { outcome: "success" }, true);
}

/** Waits until every event the simulator emitted for these orders is delivered (HTTP 200). */
async function allDelivered(orderIds: string[], timeoutMs = 60_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ids = new Set(sim.webhooks.events.filter((e) => orderIds.includes(orderIdOf(e.content))).map((e) => e.id));
    const deliveries = sim.webhooks.deliveries().filter((d) => ids.has(d.eventId));
    if (ids.size > 0 && deliveries.length === ids.size && deliveries.every((d) => d.state === "delivered")) return [...ids];
    if (Date.now() > until) throw new Error(`not all delivered: ${JSON.stringify(deliveries.map((d) => [d.eventName, d.state, d.attempts.length]))}`);
    await sleep(100);
  }
}

function deliveriesOf(orderIds: string[]) {
  const ids = new Set(sim.webhooks.events.filter((e) => orderIds.includes(orderIdOf(e.content))).map((e) => e.id));
  return sim.webhooks.deliveries().filter((d) => ids.has(d.eventId));
}

function orderIdOf(content: Record<string, unknown>): string {
  const order = content["order"] as { order_id?: string } | undefined;
  return order?.order_id ?? "";
}

/** The service's own view (ListWebhookEvents), until every event's processing ended. */
async function allProcessed(orderIds: string[], eventIds: string[], timeoutMs = 30_000): Promise<WebhookEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const events: WebhookEvent[] = [];
    for (const orderId of orderIds) events.push(...(await api().webhooks.listWebhookEvents({ orderId, pageSize: 50 })).events);
    const ours = events.filter((e) => eventIds.includes(e.juspayEventId));
    const done = ours.every((e) => e.state === WebhookEventState.PROCESSED || e.state === WebhookEventState.IGNORED);
    if (ours.length === eventIds.length && done) return ours;
    if (Date.now() > until) throw new Error(`not processed: ${JSON.stringify(ours.map((e) => [e.eventName, WebhookEventState[e.state]]))}`);
    await sleep(150);
  }
}

function api() {
  const transport = createConnectTransport({ baseUrl: `http://127.0.0.1:${servicePort}`, httpVersion: "1.1", interceptors: [bearerTokenInterceptor(TEST_TOKEN)] });
  return { payloads: createClient(PayloadService, transport), orders: createClient(OrderService, transport), webhooks: createClient(WebhookService, transport) };
}

/** Our order rows, written the way an app's backend does it: a process payload per order. */
async function createOrders(orderIds: string[]): Promise<void> {
  for (const orderId of orderIds) {
    await api().payloads.createProcessPayload({ idempotencyKey: `${orderId}-payload`, orderId, amount: { amountMinor: 2_000n, currency: "INR" }, customerId: "cust_e2e" });
  }
}

async function expectAllStoredOnceAndProcessed(orderIds: string[]): Promise<void> {
  const eventIds = await allDelivered(orderIds);
  const stored = await allProcessed(orderIds, eventIds);
  expect(stored).toHaveLength(eventIds.length);
  expect(new Set(stored.map((e) => e.juspayEventId)).size).toBe(eventIds.length);
  for (const orderId of orderIds) expect((await api().orders.getOrderStatus({ orderId })).order?.status).toBe(OrderStatus.CHARGED);
}

describe("webhooks end to end (simulator -> bridge -> service -> Postgres)", () => {
  it("keeps every event when the service is killed while webhooks keep coming: stored once, processed after the restart", async () => {
    const orderIds = Array.from({ length: 8 }, (_, i) => `e2ek${i}`);
    await createOrders(orderIds);
    for (const [i, orderId] of orderIds.entries()) {
      if (i === 3) await service!.kill("SIGKILL");
      await payAtJuspay(orderId);
      await sleep(150);
    }
    // Down until a delivery failed: the bridge answers 503 (or is not answered) and the simulator keeps retrying.
    const failed = () => deliveriesOf(orderIds).some((d) => d.attempts.some((a) => a.status === 503 || a.error !== undefined));
    await until(failed, "a delivery to fail while the service is down");
    service = await startServiceProcess(serviceEnv);
    await expectAllStoredOnceAndProcessed(orderIds);
    expect(failed()).toBe(true);
  }, 120_000);

  it.runIf(realPostgresUrl() !== undefined)("answers 503 while the database is down and stores every retried webhook once it is back", async () => {
    const orderIds = Array.from({ length: 5 }, (_, i) => `e2ed${i}`);
    await createOrders(orderIds);
    proxy!.stop();
    for (const orderId of orderIds) await payAtJuspay(orderId);
    await until(() => deliveriesOf(orderIds).some((d) => d.attempts.some((a) => a.status === 503)), "the bridge to answer 503 while the database is down");
    proxy!.start();
    await expectAllStoredOnceAndProcessed(orderIds);
  }, 120_000);
});
