import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor } from "@payments/client";
import { TEST_CALLER, TEST_TOKEN } from "./helpers/test-callers.js";
import { startSimulator, type Simulator } from "@payments/juspay-sim";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { deriveUniqueRequestId, refundIdFor } from "../src/domain/unique-request-id.js";
import { startServiceProcess, type RunningProcess } from "./helpers/processes.js";
import { openTestDatabase, type TestDatabase } from "./helpers/test-database.js";

// Criterion 21: the service as a process, SIGKILLed at different points of a
// refund (POST held before Juspay's handler, Juspay took it but the answer is
// held, right after the answer, a random moment), restarted, the caller
// retrying with its key. Each time: one unique_request_id at the simulator
// for the refund, one row, the row ends in the simulator's final status once
// the simulator settles it (the sync job gets it there), never stuck PENDING.
// Each refund is settled before the next kill, so each iteration checks one
// kill point on its own.

const ITERATIONS = 8;
const POINTS = ["before_handler", "after_handler", "after_answer", "random"] as const;

let sim: Simulator;
let dbEnv: Record<string, string>;
let testDb: TestDatabase | undefined;
let pgliteDir: string | undefined;

function serviceEnv(): Record<string, string> {
  return {
    JUSPAY_BASE_URL: sim.url,
    JUSPAY_API_KEY: sim.options.apiKey,
    JUSPAY_MERCHANT_ID: sim.options.merchantId,
    JUSPAY_CLIENT_ID: "sim_client",
    REFUND_SYNC_DELAY_MS: "2500",
    SYNC_MAX_INTERVAL_MS: "300",
    JOBS_POLL_INTERVAL_MS: "50",
    IDEMPOTENCY_LOCK_MS: "1000",
    ...dbEnv,
  };
}

interface Running {
  service: RunningProcess;
  orders: Client<typeof OrderService>;
}

async function startService(): Promise<Running> {
  const service = await startServiceProcess(serviceEnv());
  return { service, orders: createClient(OrderService, createGrpcTransport({ baseUrl: `http://${service.address}`, interceptors: [bearerTokenInterceptor(TEST_TOKEN)] })) };
}

async function kill(running: Running): Promise<void> {
  await running.service.kill("SIGKILL");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function simApi(path: string, body?: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${sim.url}${path}`, {
    method: body ? "POST" : "GET",
    headers: { authorization: `Basic ${Buffer.from(`${sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: body ? new URLSearchParams(body) : undefined,
  });
  if (!res.ok) throw new Error(`sim ${path}: ${res.status}`);
  return res.json();
}

const simIds = (orderId: string) => sim.counters.snapshot().uniqueRequestIdsPerOrder[orderId] ?? [];
const orderIdOf = (i: number) => `chaos${i}`;
// Paise ending 13 fail and 17 go to manual review at the simulator: the final status must follow.
const amountOf = (i: number) => (i === 4 ? 1_013n : i === 5 ? 1_017n : 1_000n + BigInt(i) * 10n);

beforeAll(async () => {
  sim = await startSimulator({ port: 0, timeScale: 1e-6 });
  testDb = await openTestDatabase();
  let database = testDb.database;
  if (testDb.config.kind === "postgres") {
    dbEnv = { DATABASE_URL: testDb.config.url };
  } else {
    // PGlite: one process at a time on a data directory that survives the kills.
    await testDb.drop();
    testDb = undefined;
    pgliteDir = mkdtempSync(join(tmpdir(), "payments-chaos-"));
    dbEnv = { PGLITE_DATA_DIR: pgliteDir };
    database = await openDatabase({ kind: "pglite", dataDir: pgliteDir });
  }
  await migrateToLatest(database.db);
  for (let i = 0; i < ITERATIONS; i++) {
    await database.db.insertInto("orders").values({ order_id: orderIdOf(i), amount_minor: 10_000n, currency: "INR", customer_id: "cust1", status: "NEW", status_raw: "" }).execute();
    await simApi("/orders", { order_id: orderIdOf(i), amount: "100.00", currency: "INR", customer_id: "cust1" });
    const paid = await fetch(`${sim.url}/__admin/orders/${orderIdOf(i)}/pay`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "success" }) });
    expect(paid.ok).toBe(true);
  }
  if (testDb === undefined) await database.close();
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await testDb?.drop();
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

describe("SIGKILL during refunds (criterion 21)", () => {
  it("converges to one refund per row at Juspay's final status after every kill", async () => {
    let running = await startService();
    try {
      for (let i = 0; i < ITERATIONS; i++) {
        const point = POINTS[i % POINTS.length]!;
        const orderId = orderIdOf(i);
        const key = `chaos-key-${i}`;
        const request = { idempotencyKey: key, orderId, amount: { amountMinor: amountOf(i), currency: "INR" } };
        const expectedUrid = deriveUniqueRequestId(`${TEST_CALLER.id}/${key}`);
        const posts = sim.counters.requestsTo("refund_order");
        if (i === 0) await running.orders.getOrderStatus({ orderId }); // warm up the process
        if (point === "before_handler") sim.faults.add({ route: "refund_order", fault: { kind: "latency", ms: 1_500 }, pathIncludes: orderId });
        if (point === "after_handler") sim.faults.add({ route: "refund_order", fault: { kind: "hang", afterHandler: true }, pathIncludes: orderId });

        const call = running.orders.refundOrder(request, { timeoutMs: 10_000 }).catch((e: unknown) => e);
        if (point === "before_handler") await until(() => (sim.counters.requestsTo("refund_order") > posts ? true : undefined), "the POST to arrive");
        if (point === "after_handler") await until(() => (simIds(orderId).length > 0 ? true : undefined), "Juspay to take the refund");
        if (point === "after_answer") expect(((await call) as { refund?: { refundId: string } }).refund?.refundId).toBe(refundIdFor(expectedUrid));
        if (point === "random") await sleep(Math.floor(Math.random() * 400));
        await kill(running);
        await call;
        sim.faults.clear();

        running = await startService();
        // The caller retries with its key: the same refund (ABORTED until the dead call's claim expires).
        const retried = await until(async () => {
          try {
            return await running.orders.refundOrder(request, { timeoutMs: 10_000 });
          } catch (err) {
            if (ConnectError.from(err).code === Code.Aborted) return undefined;
            throw err;
          }
        }, "the retry to be answered");
        expect(retried.refund?.refundId).toBe(refundIdFor(expectedUrid));
        expect(retried.refund?.uniqueRequestId).toBe(expectedUrid);

        await until(() => (simIds(orderId).length > 0 ? true : undefined), "the refund at the simulator");
        sim.clock.advance(5 * 60_000 + 1_000);
        // ListRefunds reads our rows only: what moves them is the sync job.
        const settled = await until(async () => {
          const list = await running.orders.listRefunds({ orderId });
          return list.refunds.length === 1 && list.refunds[0]!.status !== RefundStatus.PENDING ? list.refunds : undefined;
        }, `refund of ${orderId} (${point}) to settle`);
        const atSim = (await simApi(`/orders/${orderId}`)) as { refunds?: { unique_request_id: string; status: string }[] };
        const simRefund = atSim.refunds?.find((r) => r.unique_request_id === expectedUrid);
        expect(simIds(orderId)).toEqual([expectedUrid]);
        expect(atSim.refunds).toHaveLength(1);
        expect(RefundStatus[settled[0]!.status]).toBe(simRefund?.status);
        expect(settled[0]!.uniqueRequestId).toBe(expectedUrid);
      }
    } finally {
      await kill(running);
    }
  }, 120_000);
});
