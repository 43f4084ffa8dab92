import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema, JobState } from "../db/schema.js";
import { runAsJobOf } from "../observability/request-context.js";
import { rescueStuck, type Job } from "./queue.js";

// Claims jobs with FOR UPDATE SKIP LOCKED, so workers on any number of replicas
// share the table without a coordinator (docs/adr/0008-job-queue.md).

/** Thrown by a handler: run again after `delayMs`, without counting a failure. */
export class JobSnooze extends Error {
  constructor(readonly delayMs: number) {
    super(`snoozed for ${delayMs} ms`);
    this.name = "JobSnooze";
  }
}

/** Thrown by a handler: stop for good (state 'cancelled'), no more attempts. */
export class JobCancel extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "JobCancel";
  }
}

export type JobHandler = (job: Job, ctx: { signal: AbortSignal }) => Promise<void>;

export interface JobWorkerOptions {
  /** Written to locked_by; default host-pid-random. */
  id?: string;
  /** How often to look for due jobs when not woken (default 1 s). */
  pollIntervalMs?: number;
  /** Jobs run at once by this worker (default 10). */
  concurrency?: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed. */
  backoffMs?: (attempt: number) => number;
  /** A handler's signal aborts after this long (default 60 s). */
  jobTimeoutMs?: number;
  /**
   * A 'running' job whose worker has not renewed its lock for this long is
   * rescued (its process died). Live workers renew the locks of the jobs they
   * run every third of this, however long a job takes. Default 30 s.
   */
  rescueAfterMs?: number;
  rescueIntervalMs?: number;
  /** Errors of the loop itself (database down); handler errors are stored on the job. */
  onError?: (err: unknown) => void;
  /** Hears of every attempt this worker finished, with the state it left the job in (metrics). */
  onSettled?: (job: Job, state: JobState) => void;
}

const MAX_ERROR_CHARS = 2_000;
const MAX_BACKOFF_S = 24 * 3600;

/** River's backoff: attempt^4 seconds (capped at a day) plus up to 10% jitter. */
export function defaultBackoffMs(attempt: number): number {
  const seconds = Math.min(attempt ** 4, MAX_BACKOFF_S);
  return Math.round(seconds * 1000 * (1 + Math.random() * 0.1));
}

/** Only name and message: a stack or an attached response body could carry secrets. */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : `Error: ${String(err)}`;
  return text.length > MAX_ERROR_CHARS ? text.slice(0, MAX_ERROR_CHARS) : text;
}

export class JobWorker {
  readonly id: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly inFlight = new Map<Promise<void>, AbortController>();
  /** Ids of the jobs this worker runs now: their locks are renewed by the heartbeat. */
  private readonly runningIds = new Set<bigint>();
  private heartbeat: NodeJS.Timeout | undefined;
  readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly jobTimeoutMs: number;
  private readonly rescueAfterMs: number;
  private readonly rescueIntervalMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly onSettled: (job: Job, state: JobState) => void;
  private running = false;
  private lastCycleAt = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    options: JobWorkerOptions = {},
  ) {
    this.id = options.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.concurrency = options.concurrency ?? 10;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 60_000;
    this.rescueAfterMs = options.rescueAfterMs ?? 30_000;
    this.rescueIntervalMs = options.rescueIntervalMs ?? Math.min(60_000, this.rescueAfterMs);
    this.onError = options.onError ?? (() => {});
    this.onSettled = options.onSettled ?? (() => {});
  }

  /**
   * When the poll loop last completed a cycle (its start until the first);
   * undefined when the worker is not running. Health reads it: a loop stuck
   * on the database stops moving it.
   */
  get lastPollAt(): number | undefined {
    return this.running ? this.lastCycleAt : undefined;
  }

  register(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.lastCycleAt = Date.now();
    this.loop = this.run();
    this.heartbeat = setInterval(() => void this.renewLocks(), Math.max(10, Math.floor(this.rescueAfterMs / 3)));
  }

  /** Polls now (after an enqueue, or on a LISTEN/NOTIFY wake-up later). */
  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  /**
   * Stops claiming, waits up to `graceMs` for running handlers, then aborts
   * their signals and waits up to 1 s more. A handler that ignores its signal
   * leaves its job 'running' for the rescuer.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = Promise.allSettled([...this.inFlight.keys()]);
    if (!(await within(all, graceMs))) {
      for (const controller of this.inFlight.values()) controller.abort(new Error("worker stopping"));
      await within(all, 1_000);
    }
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Tells the other replicas' rescuers that this worker is alive and still running these jobs. */
  private async renewLocks(): Promise<void> {
    if (this.runningIds.size === 0) return;
    try {
      await this.db
        .updateTable("jobs")
        .set({ locked_at: sql<Date>`now()` })
        .where("id", "in", [...this.runningIds])
        .where("state", "=", "running")
        .where("locked_by", "=", this.id)
        .execute();
    } catch (err) {
      this.onError(err);
    }
  }

  private async run(): Promise<void> {
    let lastRescue = 0;
    while (this.running) {
      this.woken = false;
      try {
        if (Date.now() - lastRescue >= this.rescueIntervalMs) {
          lastRescue = Date.now();
          await rescueStuck(this.db, this.rescueAfterMs);
        }
        const free = this.concurrency - this.inFlight.size;
        if (free > 0) {
          const jobs = await this.claim(free);
          for (const job of jobs) this.launch(job);
          // A full batch means more may be due: poll again once a slot frees.
          if (jobs.length === free) {
            this.lastCycleAt = Date.now();
            continue;
          }
        }
        this.lastCycleAt = Date.now();
      } catch (err) {
        this.onError(err);
      }
      await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    if (this.woken || !this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.pollIntervalMs);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleeper = undefined;
  }

  private async claim(limit: number): Promise<Job[]> {
    // A CTE so the locking subquery runs once; SKIP LOCKED lets other workers
    // take the rows this one is claiming instead of waiting on them.
    const result = await sql<Job>`
      with due as (
        select id from jobs
        where state in ('available', 'retryable') and run_at <= now()
        order by run_at, id
        limit ${limit}
        for update skip locked
      )
      update jobs set state = 'running', locked_at = now(), locked_by = ${this.id}, attempt = jobs.attempt + 1
      from due where jobs.id = due.id
      returning jobs.*`.execute(this.db);
    return result.rows;
  }

  private launch(job: Job): void {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`job timed out after ${this.jobTimeoutMs} ms`)), this.jobTimeoutMs);
    this.runningIds.add(job.id);
    const done: Promise<void> = this.execute(job, controller.signal)
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        clearTimeout(timer);
        this.runningIds.delete(job.id);
        this.inFlight.delete(done);
        this.wake();
      });
    this.inFlight.set(done, controller);
  }

  private async execute(job: Job, signal: AbortSignal): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (handler === undefined) {
      // Not retried: another attempt on this worker would fail the same way.
      return this.settle(job, "discarded", { error: `UnknownJobKind: no handler registered for kind "${job.kind}"` });
    }
    try {
      // Under the id of the request that enqueued it, so its log lines name that request.
      await runAsJobOf(job.payload, () => handler(job, { signal }));
    } catch (err) {
      if (err instanceof JobSnooze) return this.settle(job, "available", { delayMs: Math.max(0, err.delayMs), undoAttempt: true });
      if (err instanceof JobCancel) return this.settle(job, "cancelled", { error: describeError(err) });
      // Interrupted by stop(): not the job's fault, run it again soon.
      if (this.stopping && signal.aborted) return this.settle(job, "retryable", { delayMs: 0, undoAttempt: true, error: describeError(err) });
      if (job.attempt >= job.max_attempts) return this.settle(job, "discarded", { error: describeError(err) });
      return this.settle(job, "retryable", { delayMs: this.backoffMs(job.attempt), error: describeError(err) });
    }
    return this.settle(job, "completed", {});
  }

  private async settle(job: Job, state: JobState, opts: { delayMs?: number; error?: string; undoAttempt?: boolean }): Promise<void> {
    const final = state === "completed" || state === "discarded" || state === "cancelled";
    await this.db
      .updateTable("jobs")
      .set({
        state,
        locked_at: null,
        locked_by: null,
        finished_at: final ? sql<Date>`now()` : null,
        ...(opts.error !== undefined ? { last_error: opts.error } : {}),
        ...(opts.delayMs !== undefined ? { run_at: sql<Date>`now() + ${opts.delayMs}::double precision * interval '1 millisecond'` } : {}),
        ...(opts.undoAttempt ? { attempt: sql<number>`attempt - 1` } : {}),
      })
      // Only if still ours: a rescued job may already run elsewhere.
      .where("id", "=", job.id)
      .where("state", "=", "running")
      .where("locked_by", "=", this.id)
      .where("attempt", "=", job.attempt)
      .execute();
    this.onSettled(job, state);
  }
}

async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
