import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HealthMonitor, workerStaleAfterMs } from "../src/health/health-monitor.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";
import { realPostgresUrl } from "./helpers/test-database.js";

// Health reflects the job worker as well as the database: a replica whose
// worker is stopped, or whose poll loop stopped going round, is NOT_SERVING
// (Kubernetes stops routing to it, and its liveness probe restarts it).

const STALE_AFTER_MS = 1_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ workerStaleAfterMs: STALE_AFTER_MS });
});
afterAll(async () => stack?.stop());

const status = async () => (await createClient(Health, createGrpcTransport({ baseUrl: stack.baseUrl })).check({})).status;
const becomes = (wanted: ServingStatus, what: string) => eventually(async () => ((await status()) === wanted ? true : undefined), 10_000, what);

describe("health and the job worker", () => {
  it("is SERVING while the worker polls, NOT_SERVING once it stops, SERVING again once it polls again", async () => {
    expect(await status()).toBe(ServingStatus.SERVING);
    await stack.service.worker!.stop(1_000);
    await becomes(ServingStatus.NOT_SERVING, "NOT_SERVING with the worker stopped");
    stack.service.worker!.start();
    await becomes(ServingStatus.SERVING, "SERVING with the worker polling again");
  });

  it.skipIf(realPostgresUrl() === undefined)("is NOT_SERVING while the poll loop is stuck on the database, though the database answers", async () => {
    // Another session holds the jobs table: the worker's claim waits on the lock, select 1 does not.
    const url = stack.database.config.kind === "postgres" ? stack.database.config.url : "";
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("lock table jobs in access exclusive mode");
      await becomes(ServingStatus.NOT_SERVING, "NOT_SERVING while the loop is stuck");
      expect(await stack.database.database.ping(1_000)).toBe(true);
      await blocker.query("rollback");
      await becomes(ServingStatus.SERVING, "SERVING once the loop goes round again");
    } finally {
      await blocker.end();
    }
  });
});

describe("HealthMonitor", () => {
  const alwaysUp = { pingDatabase: async () => true };

  it("judges the worker by its last completed poll", async () => {
    let lastPollAt: number | undefined = Date.now();
    const monitor = new HealthMonitor({ ...alwaysUp, jobs: { lastPollAt: () => lastPollAt, staleAfterMs: 5_000 } });
    expect(await monitor.state()).toBe("SERVING");
    lastPollAt = Date.now() - 6_000;
    expect(await monitor.state()).toBe("NOT_SERVING");
    lastPollAt = undefined; // stopped
    expect(await monitor.state()).toBe("NOT_SERVING");
    lastPollAt = Date.now();
    expect(await monitor.state()).toBe("SERVING");
  });

  it("serves without a worker (JOBS_ENABLED=false)", async () => {
    expect(await new HealthMonitor(alwaysUp).state()).toBe("SERVING");
  });

  it("allows three poll intervals plus a margin for a slow claim", () => {
    expect(workerStaleAfterMs(1_000)).toBeGreaterThan(3 * 1_000);
    expect(workerStaleAfterMs(1_000)).toBeLessThanOrEqual(60_000);
  });
});
