import { Code, type ConnectError } from "@connectrpc/connect";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { openDatabase, type Database } from "../src/db/database.js";
import { toConnectError } from "../src/rpc/error-map.js";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { SERVICE_APPLICATION_NAME, startProxiedProcessStack, type ProxiedProcessStack } from "./helpers/proxied-process-stack.js";
import { startRpcLoad, timed, type CallOutcome } from "./helpers/rpc-load.js";
import { eventually } from "./helpers/stack.js";
import { testCallersEnv } from "./helpers/test-callers.js";
import { realPostgresUrl } from "./helpers/test-database.js";

// Reliability criteria 22 (Postgres restart under load) and 23 (pool
// exhaustion), ADR 0016. The service and the webhook bridge run as processes;
// the service reaches its own throwaway database through a TCP proxy the test
// cuts. Its pool is small and its timeouts short, so the bounds are quick to see.

const POOL_SIZE = 5;
const ACQUIRE_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 5_000;
/** Slack for a loaded 2-core machine on top of a timeout; far below "hanging". */
const MARGIN_MS = 2_000;
/** The criterion: serving again within this long of the database's return. */
const RECOVERY_MS = 10_000;
/** An order that is CHARGED, so GetOrderStatus answers it from Postgres alone. */
const TERMINAL_ORDER = "dbrterminal1";

const serverUrl = realPostgresUrl();
const POSTGRES_ONLY =
  "PostgreSQL only (set DATABASE_URL): PGlite runs in-process, with no pool to exhaust, no server to lose and no other session to wait on";

/** The parts of an error a caller acts on. */
const shapeOf = (err: ConnectError | undefined) => ({
  code: err?.code,
  reason: err?.findDetails(ErrorDetailSchema)[0]?.reason,
  retryable: err?.findDetails(ErrorDetailSchema)[0]?.retryable,
});
const UNAVAILABLE = { code: Code.Unavailable, reason: ErrorReason.DATABASE_UNAVAILABLE, retryable: true };

describe("database timeouts as callers and operators see them (every database)", () => {
  it("answers a full pool, a slow connect, a cancelled statement, an ended idle transaction and a dead client with UNAVAILABLE / DATABASE_UNAVAILABLE, retryable", () => {
    const pgError = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });
    for (const err of [
      pgError("timeout exceeded when trying to connect"),
      pgError("Connection terminated due to connection timeout"),
      pgError("canceling statement due to statement timeout", "57014"),
      pgError("terminating connection due to idle-in-transaction timeout", "25P03"),
      pgError("Client has encountered a connection error and is not queryable"),
    ]) {
      expect(shapeOf(toConnectError(err)), err.message).toEqual(UNAVAILABLE);
    }
  });

  it("reads DATABASE_ACQUIRE_TIMEOUT_MS, DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, and reports bad values by name", () => {
    const env = { ...serviceEnvBase(), DATABASE_URL: "postgres://u@db:5432/payments" };
    expect(loadConfig({ ...env, DATABASE_ACQUIRE_TIMEOUT_MS: "750", DATABASE_STATEMENT_TIMEOUT_MS: "0", DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "9000" }).database).toMatchObject({
      acquireTimeoutMs: 750,
      statementTimeoutMs: 0,
      idleInTransactionTimeoutMs: 9_000,
    });
    let problems: string[] = [];
    try {
      loadConfig({ ...env, DATABASE_ACQUIRE_TIMEOUT_MS: "0", DATABASE_STATEMENT_TIMEOUT_MS: "soon", DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "-1" });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "DATABASE_ACQUIRE_TIMEOUT_MS",
      "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS",
      "DATABASE_STATEMENT_TIMEOUT_MS",
    ]);
  });
});

function serviceEnvBase(): Record<string, string> {
  return { JUSPAY_BASE_URL: "http://127.0.0.1:8090/", JUSPAY_API_KEY: "sk_test_value", JUSPAY_MERCHANT_ID: "acme", JUSPAY_CLIENT_ID: "acme_android", CALLERS: testCallersEnv() };
}

describe.skipIf(serverUrl === undefined)(`database resilience: ${POSTGRES_ONLY}`, () => {
  let stack: ProxiedProcessStack;

  beforeAll(async () => {
    stack = await startProxiedProcessStack(serverUrl!, {
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      // Few jobs at once, so webhook processing does not crowd the small pool.
      JOBS_CONCURRENCY: "2",
    });
    await stack.database.database.db
      .insertInto("orders")
      .values({ order_id: TERMINAL_ORDER, amount_minor: 10_000n, currency: "INR", customer_id: "cust_dbr", status: "CHARGED", status_raw: "CHARGED" })
      .execute();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const getTerminalOrder = () => stack.orders.getOrderStatus({ orderId: TERMINAL_ORDER }, { timeoutMs: 20_000 });
  const healthStatus = async () => (await stack.health.check({ service: "" }, { timeoutMs: 5_000 })).status;
  const expectServiceAlive = () => {
    expect(stack.service.child.exitCode, stack.service.lines.slice(-20).join("\n")).toBeNull();
    // A database error answered INTERNAL is logged as unhandled.
    expect(stack.service.lines.filter((l) => l.includes("unhandled error in RPC handler"))).toEqual([]);
  };

  describe("criterion 23: pool exhaustion and the server-side timeouts", () => {
    it("sets statement_timeout and idle_in_transaction_session_timeout on every connection: the configured values, else the defaults", async () => {
      const settingsOf = async (database: Database) => {
        const { rows } = await sql<{ name: string; setting: string }>`
          select name, setting from pg_settings where name in ('statement_timeout', 'idle_in_transaction_session_timeout') order by name`.execute(database.db);
        return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
      };
      // The test database's pool (test-database.ts) sets none of its own: the defaults.
      expect(await settingsOf(stack.database.database)).toEqual({ idle_in_transaction_session_timeout: "30000", statement_timeout: "15000" });
      const config = loadConfig({
        ...serviceEnvBase(),
        DATABASE_URL: directUrl(),
        DATABASE_STATEMENT_TIMEOUT_MS: "4321",
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "2345",
      });
      const configured = await openDatabase(config.database);
      try {
        expect(await settingsOf(configured)).toEqual({ idle_in_transaction_session_timeout: "2345", statement_timeout: "4321" });
      } finally {
        await configured.close();
      }
    });

    it("ends a transaction left idle too long: its next query fails UNAVAILABLE, the process lives on and the pool carries on", async () => {
      const database = await openDatabase({ kind: "postgres", url: directUrl(), poolSize: 2, idleInTransactionTimeoutMs: 500 });
      const admin = await stack.adminClient();
      try {
        const failure = await database.db
          .transaction()
          .execute(async (trx) => {
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
            const pid = rows[0]!.pid;
            // Idle in the transaction until the server has ended the session.
            await eventually(async () => ((await admin.query("select 1 from pg_stat_activity where pid = $1", [pid])).rowCount === 0 ? true : undefined), 10_000, "the idle transaction's session to end");
            await sql`select 1`.execute(trx);
          })
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        expect(failure, "the transaction should have failed").toBeInstanceOf(Error);
        expect(shapeOf(toConnectError(failure))).toEqual(UNAVAILABLE);
        // The dead client was discarded: the next query gets a live one.
        expect((await sql<{ one: number }>`select 1 as one`.execute(database.db)).rows).toEqual([{ one: 1 }]);
      } finally {
        await admin.end();
        await database.close();
      }
    });

    it("with every pool connection held by a slow query, a new call fails UNAVAILABLE within the acquire timeout; statement_timeout cancels the slow ones (UNAVAILABLE, not INTERNAL); then the service is whole again", async () => {
      const admin = await stack.adminClient();
      let slow: Promise<CallOutcome>[] = [];
      try {
        // Every read of orders now waits on this lock, holding its pool connection.
        await admin.query("begin");
        await admin.query("lock table orders in access exclusive mode");
        slow = Array.from({ length: POOL_SIZE }, () => timed(getTerminalOrder));
        await eventually(
          async () => ((await stack.serviceBackends()).filter((b) => b.wait_event_type === "Lock").length === POOL_SIZE ? true : undefined),
          STATEMENT_TIMEOUT_MS / 2,
          "every pool connection waiting on the lock",
        );

        const extra = await timed(getTerminalOrder);
        expect(extra).toMatchObject(UNAVAILABLE);
        // It waited for a connection for the acquire timeout, and no longer.
        expect(extra.endedAt - extra.startedAt).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 50);
        expect(extra.endedAt - extra.startedAt).toBeLessThan(ACQUIRE_TIMEOUT_MS + MARGIN_MS);

        const ended = await Promise.all(slow);
        for (const outcome of ended) expect(outcome).toMatchObject(UNAVAILABLE);
        expect(Math.max(...ended.map((o) => o.endedAt - o.startedAt))).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
        // The lock is still held, so only the server's cancel can have ended them.
        expect((await stack.serviceBackends()).filter((b) => b.wait_event_type === "Lock")).toEqual([]);
      } finally {
        await admin.query("rollback");
        await admin.end();
        await Promise.allSettled(slow);
      }
      await eventually(async () => ((await timed(getTerminalOrder)).code === "OK" ? true : undefined), RECOVERY_MS, "a call to succeed");
      await eventually(async () => ((await healthStatus()) === ServingStatus.SERVING ? true : undefined), RECOVERY_MS, "SERVING");
      expectServiceAlive();
    }, 60_000);
  });

  describe("criterion 22: the database going away under load", () => {
    it("cut under load: calls fail UNAVAILABLE within the acquire timeout, health NOT_SERVING, the bridge answers 503; back: SERVING and calls succeed within 10 s, every webhook stored and processed", async () => {
      const paidDuringOutage = ["dbrcut1", "dbrcut2", "dbrcut3"];
      for (const orderId of paidDuringOutage) {
        await insertOrderRow(stack.asSeedTarget(), { orderId, amountMinor: 2_000n });
        await createSimOrder(stack.asSeedTarget(), { orderId, amountMinor: 2_000n });
      }
      const load = startRpcLoad(getTerminalOrder, { concurrency: 3, pauseMs: 40, maxCalls: 3_000 });
      try {
        await untilCalls(load.outcomes, (o) => o.code === "OK", 50, "calls succeeding before the cut");

        stack.proxy.stop();
        const cutAt = Date.now();
        for (const orderId of paidDuringOutage) await paySimOrder(stack.asSeedTarget(), orderId);
        await eventually(async () => ((await healthStatus()) === ServingStatus.NOT_SERVING ? true : undefined), 5_000, "NOT_SERVING");
        await eventually(async () => (bridgeAnswered503() ? true : undefined), 10_000, "a webhook answered 503 by the bridge");
        await untilCalls(load.outcomes, (o) => o.startedAt > cutAt, 100, "calls while the database is down");

        const restoredAt = Date.now();
        stack.proxy.start();
        await eventually(async () => ((await healthStatus()) === ServingStatus.SERVING ? true : undefined), RECOVERY_MS, "SERVING within 10 s");
        const firstOk = await eventually(async () => load.outcomes.find((o) => o.code === "OK" && o.startedAt >= restoredAt), RECOVERY_MS, "a call to succeed within 10 s");
        expect(firstOk.endedAt - restoredAt).toBeLessThanOrEqual(RECOVERY_MS);
        await untilCalls(load.outcomes, (o) => o.startedAt > firstOk.endedAt, 100, "calls after the recovery");
        await load.stop();

        const outcomes = load.outcomes;
        // Nothing but success or a retryable UNAVAILABLE, at any time.
        expect(outcomes.filter((o) => o.code !== "OK" && !matches(o, UNAVAILABLE))).toEqual([]);
        // No call hung: a failure came within the acquire timeout (plus slack).
        const failures = outcomes.filter((o) => o.code !== "OK");
        expect(failures.length).toBeGreaterThanOrEqual(100);
        expect(failures.filter((o) => o.endedAt - o.startedAt > ACQUIRE_TIMEOUT_MS + MARGIN_MS)).toEqual([]);
        // While it was down nothing succeeded; once it answered again, everything did.
        expect(outcomes.filter((o) => o.startedAt > cutAt && o.endedAt < restoredAt && o.code === "OK")).toEqual([]);
        expect(outcomes.filter((o) => o.startedAt > firstOk.endedAt && o.code !== "OK")).toEqual([]);
      } finally {
        stack.proxy.start();
        await load.stop();
      }

      await everyWebhookStoredAndProcessed();
      expectServiceAlive();
    }, 120_000);

    it("backends terminated under load (pg_terminate_backend): each call succeeds or fails UNAVAILABLE, and the service carries on without a restart", async () => {
      const load = startRpcLoad(getTerminalOrder, { concurrency: 3, pauseMs: 20, maxCalls: 3_000 });
      const terminatedAt: number[] = [];
      try {
        await untilCalls(load.outcomes, (o) => o.code === "OK", 20, "calls succeeding before the first termination");
        const admin = await stack.adminClient();
        try {
          for (let round = 0; round < 5; round++) {
            terminatedAt.push(Date.now());
            await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1", [SERVICE_APPLICATION_NAME]);
            const after = terminatedAt[round]!;
            await untilCalls(load.outcomes, (o) => o.startedAt > after && o.code === "OK", 10, "calls succeeding after a termination");
          }
        } finally {
          await admin.end();
        }
      } finally {
        await load.stop();
      }
      expect(load.outcomes.filter((o) => o.code !== "OK" && !matches(o, UNAVAILABLE))).toEqual([]);
      expect(load.outcomes.filter((o) => o.endedAt - o.startedAt > ACQUIRE_TIMEOUT_MS + MARGIN_MS)).toEqual([]);
      expect(await healthStatus()).toBe(ServingStatus.SERVING);
      expectServiceAlive();
    }, 120_000);
  });

  function directUrl(): string {
    if (stack.database.config.kind !== "postgres") throw new Error("PostgreSQL only");
    return stack.database.config.url;
  }

  function bridgeAnswered503(): boolean {
    return stack.sim.webhooks.deliveries().some((d) => d.attempts.some((a) => a.status === 503));
  }

  /** Every event the simulator sent in this file: delivered (200) in the end, stored once, processed. */
  async function everyWebhookStoredAndProcessed(): Promise<void> {
    const sent = stack.sim.webhooks.events.map((e) => e.id);
    expect(sent.length).toBeGreaterThan(0);
    await eventually(
      async () => (stack.sim.webhooks.deliveries().every((d) => d.state === "delivered") ? true : undefined),
      60_000,
      "every webhook delivered",
    );
    const rows = await eventually(async () => {
      const stored = await stack.database.database.db.selectFrom("webhook_events").select(["juspay_event_id", "state"]).execute();
      const done = stored.every((r) => r.state === "PROCESSED" || r.state === "IGNORED");
      return done && stored.length >= sent.length ? stored : undefined;
    }, 30_000, "every stored webhook processed");
    expect(rows.map((r) => r.juspay_event_id).sort()).toEqual([...sent].sort());
  }
});

function matches(outcome: CallOutcome, expected: typeof UNAVAILABLE): boolean {
  return outcome.code === expected.code && outcome.reason === expected.reason && outcome.retryable === expected.retryable;
}

/** Waits until at least `count` recorded calls satisfy `predicate`. */
async function untilCalls(outcomes: readonly CallOutcome[], predicate: (o: CallOutcome) => boolean, count: number, what: string): Promise<void> {
  await eventually(async () => (outcomes.filter(predicate).length >= count ? true : undefined), 20_000, what);
}
