import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/db/database.js";
import { enqueue, rescueStuck, stats, type Job } from "../src/jobs/queue.js";
import { JobCancel, JobSnooze, JobWorker, type JobWorkerOptions } from "../src/jobs/worker.js";
import { openMigratedTestDatabase, realPostgresUrl, type TestDatabase } from "./helpers/test-database.js";

// The queue on the test database: PostgreSQL when DATABASE_URL is set (CI),
// else in-memory PGlite. Workers poll every 20 ms so the file stays fast.

let test: TestDatabase;
const workers: JobWorker[] = [];
const extraDatabases: Database[] = [];

beforeAll(async () => {
  test = await openMigratedTestDatabase();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop(2_000)));
  await test.database.db.deleteFrom("jobs").execute();
});
afterAll(async () => {
  await Promise.all(extraDatabases.map((d) => d.close()));
  await test.drop();
});

const db = () => test.database.db;

function worker(options: JobWorkerOptions = {}, database = db()): JobWorker {
  const w = new JobWorker(database, { pollIntervalMs: 20, backoffMs: () => 60_000, ...options });
  workers.push(w);
  return w;
}

const getJob = (id: bigint): Promise<Job> => db().selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const waitForState = (id: bigint, state: Job["state"]) =>
  waitFor(async () => {
    const job = await getJob(id);
    return job.state === state ? job : undefined;
  });

describe("enqueue", () => {
  it("inside a transaction that rolls back leaves no job (nor the business row)", async () => {
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto("orders").values({ order_id: "ordrb1", amount_minor: 100n, currency: "INR", customer_id: "c1", status: "NEW", status_raw: "" }).execute();
          await enqueue(trx, { kind: "order_sync", payload: { orderId: "ordrb1" } });
          throw new Error("rollback");
        }),
    ).rejects.toThrow("rollback");
    expect(await db().selectFrom("jobs").selectAll().execute()).toEqual([]);
    expect(await db().selectFrom("orders").selectAll().where("order_id", "=", "ordrb1").execute()).toEqual([]);
  });

  it("with a unique key returns the live job's id, and a new job once it has completed", async () => {
    const first = await enqueue(db(), { kind: "idem_cleanup", uniqueKey: "idem_cleanup:daily" });
    expect(await enqueue(db(), { kind: "idem_cleanup", uniqueKey: "idem_cleanup:daily" })).toBe(first);
    await db().transaction().execute((trx) => enqueue(trx, { kind: "idem_cleanup", uniqueKey: "idem_cleanup:daily" }));
    expect(await db().selectFrom("jobs").select("id").execute()).toHaveLength(1);
    worker().register("idem_cleanup", async () => {}).start();
    await waitForState(first, "completed");
    const second = await enqueue(db(), { kind: "idem_cleanup", uniqueKey: "idem_cleanup:daily" });
    expect(second).not.toBe(first);
    // Jobs without a key never collide.
    expect(await enqueue(db(), { kind: "x" })).not.toBe(await enqueue(db(), { kind: "x" }));
  });
});

describe("JobWorker", () => {
  it("runs a committed job's handler once, with its payload", async () => {
    const seen: unknown[] = [];
    const w = worker().register("order_sync", async (job) => {
      seen.push(job.payload);
    });
    w.start();
    const id = await db()
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("orders").values({ order_id: "ordok1", amount_minor: 100n, currency: "INR", customer_id: "c1", status: "NEW", status_raw: "" }).execute();
        return enqueue(trx, { kind: "order_sync", payload: { orderId: "ordok1", tags: ["a", "b"] } });
      });
    w.wake();
    const job = await waitForState(id, "completed");
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([{ orderId: "ordok1", tags: ["a", "b"] }]);
    expect(job).toMatchObject({ attempt: 1, locked_by: null, last_error: null });
    expect(job.finished_at).toBeInstanceOf(Date);
  });

  it("retries a failure later with backoff, storing only the error's name and message, truncated", async () => {
    const attempts: number[] = [];
    worker({ backoffMs: (attempt) => attempt * 60_000 })
      .register("refund_sync", async (job) => {
        attempts.push(job.attempt);
        const err = new TypeError(`boom ${"x".repeat(5_000)}`);
        err.stack = "SECRET stack";
        throw err;
      })
      .start();
    const id = await enqueue(db(), { kind: "refund_sync" });
    const first = await waitForState(id, "retryable");
    expect(first.attempt).toBe(1);
    expect(first.last_error).toMatch(/^TypeError: boom x+$/);
    expect(first.last_error).toHaveLength(2_000);
    expect(first.run_at.getTime() - first.created_at.getTime()).toBeGreaterThan(59_000);
    // Make it due now: the second failure backs off further.
    await db().updateTable("jobs").set({ run_at: sql<Date>`now()` }).where("id", "=", id).execute();
    const second = await waitFor(async () => {
      const job = await getJob(id);
      return job.attempt === 2 && job.state === "retryable" ? job : undefined;
    });
    expect(second.run_at.getTime() - second.created_at.getTime()).toBeGreaterThan(119_000);
    expect(attempts).toEqual([1, 2]);
  });

  it("discards a job after max_attempts", async () => {
    let calls = 0;
    worker({ backoffMs: () => 0 })
      .register("webhook", async () => {
        calls++;
        throw new Error("still failing");
      })
      .start();
    const id = await enqueue(db(), { kind: "webhook", maxAttempts: 3 });
    const job = await waitForState(id, "discarded");
    expect(job).toMatchObject({ attempt: 3, last_error: "Error: still failing" });
    expect(job.finished_at).toBeInstanceOf(Date);
    expect(calls).toBe(3);
  });

  it("reschedules a snoozed job without counting an attempt", async () => {
    worker()
      .register("order_sync", async () => {
        throw new JobSnooze(60_000);
      })
      .start();
    const id = await enqueue(db(), { kind: "order_sync" });
    const job = await waitFor(async () => {
      const j = await getJob(id);
      return j.state === "available" && j.locked_at === null && j.run_at.getTime() - j.created_at.getTime() > 59_000 ? j : undefined;
    });
    expect(job).toMatchObject({ attempt: 0, last_error: null });
  });

  it("stops a cancelled job for good, and discards a kind nobody handles", async () => {
    let calls = 0;
    worker({ backoffMs: () => 0 })
      .register("refund_sync", async () => {
        calls++;
        throw new JobCancel("refund no longer exists");
      })
      .start();
    const cancelled = await enqueue(db(), { kind: "refund_sync" });
    const unknown = await enqueue(db(), { kind: "no_such_kind" });
    expect(await waitForState(cancelled, "cancelled")).toMatchObject({ attempt: 1, last_error: "JobCancel: refund no longer exists" });
    expect((await waitForState(unknown, "discarded")).last_error).toMatch(/no handler registered for kind "no_such_kind"/);
    expect(calls).toBe(1);
  });

  it("rescues a job stuck in 'running' (rescueStuck, and the worker's periodic rescuer)", async () => {
    const stuck = await enqueue(db(), { kind: "order_sync" });
    const fresh = await enqueue(db(), { kind: "order_sync" });
    const lock = (id: bigint, ago: string) =>
      db()
        .updateTable("jobs")
        .set({ state: "running", attempt: 1, locked_by: "dead-replica", locked_at: sql<Date>`now() - ${sql.lit(ago)}::interval` })
        .where("id", "=", id)
        .execute();
    await lock(stuck, "1 hour");
    await lock(fresh, "1 second");
    expect(await rescueStuck(db(), 60_000)).toBe(1);
    expect(await getJob(stuck)).toMatchObject({ state: "retryable", locked_by: null });
    expect((await getJob(fresh)).state).toBe("running");

    await lock(stuck, "1 hour");
    worker({ jobTimeoutMs: 500, rescueAfterMs: 1_000, rescueIntervalMs: 20 })
      .register("order_sync", async () => {})
      .start();
    expect(await waitForState(stuck, "completed")).toMatchObject({ attempt: 2 });
  });

  it("renews the locks of running jobs, so a long job on a live worker is never rescued", async () => {
    let runs = 0;
    const w = worker({ rescueAfterMs: 300, rescueIntervalMs: 20 }).register("long", async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 1_200));
    });
    w.start();
    const id = await enqueue(db(), { kind: "long" });
    expect(await waitForState(id, "completed")).toMatchObject({ attempt: 1 });
    expect(runs).toBe(1);
    await w.stop();
  });

  it("stop() waits for in-flight handlers, and aborts them after the grace period", async () => {
    let finished = false;
    const w = worker().register("slow", async () => {
      await new Promise((r) => setTimeout(r, 300));
      finished = true;
    });
    w.start();
    const id = await enqueue(db(), { kind: "slow" });
    await waitForState(id, "running");
    await w.stop(5_000);
    expect(finished).toBe(true);
    expect((await getJob(id)).state).toBe("completed");

    const w2 = worker().register("stubborn", (_job, { signal }) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error))));
    w2.start();
    const id2 = await enqueue(db(), { kind: "stubborn" });
    await waitForState(id2, "running");
    await w2.stop(50);
    // Interrupted by shutdown: due again at once, the attempt not counted.
    expect(await getJob(id2)).toMatchObject({ state: "retryable", attempt: 0, last_error: "Error: worker stopping" });
  });

  it("stats() counts jobs by state and reports the oldest due job's age", async () => {
    await enqueue(db(), { kind: "a", runAt: new Date(Date.now() - 5_000) });
    await enqueue(db(), { kind: "a", runAt: new Date(Date.now() + 60_000) });
    const s = await stats(db());
    expect(s.counts).toEqual({ available: 2, running: 0, completed: 0, retryable: 0, discarded: 0, cancelled: 0 });
    expect(s.oldestAvailableMs).toBeGreaterThan(4_000);
    expect(s.oldestAvailableMs).toBeLessThan(60_000);
  });

  it.runIf(realPostgresUrl())("two workers on one database claim disjoint jobs and run each exactly once", async () => {
    // The second worker has its own pool, as another replica would.
    const other = await openDatabase(test.config);
    extraDatabases.push(other);
    const runs = new Map<bigint, number>();
    const byWorker = new Map<string, number>();
    const handler = (name: string) => async (job: Job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      byWorker.set(name, (byWorker.get(name) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
    };
    const ids: bigint[] = [];
    for (let i = 0; i < 200; i++) ids.push(await enqueue(db(), { kind: "bulk", payload: { i } }));
    worker({ concurrency: 4 }).register("bulk", handler("one")).start();
    worker({ concurrency: 4 }, other.db).register("bulk", handler("two")).start();
    await waitFor(async () => (await stats(db())).counts.completed === 200, 15_000);
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(byWorker.get("one")).toBeGreaterThan(0);
    expect(byWorker.get("two")).toBeGreaterThan(0);
  });
});
