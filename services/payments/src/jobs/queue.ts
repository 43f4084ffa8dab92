import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from "kysely";
import type { DatabaseSchema, JobState, JobsTable } from "../db/schema.js";
import { withCausingRequestId } from "../observability/request-context.js";

// A small River-like job queue on our own Postgres: see docs/adr/0008-job-queue.md.

export type Job = Selectable<JobsTable>;
export type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

export const JOB_STATES: readonly JobState[] = ["available", "running", "completed", "retryable", "discarded", "cancelled"];
/** States in which a job is finished for good; unique keys are free again. */
const FINAL_STATES = sql`('completed', 'discarded', 'cancelled')`;

export interface EnqueueOptions {
  kind: string;
  /** Any JSON value; stored as jsonb. */
  payload?: unknown;
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Not before this many ms after the database's now() (ignored with runAt). */
  delayMs?: number;
  /** Default 25, as River. */
  maxAttempts?: number;
  /** At most one live job per key: a second enqueue returns the first job's id. */
  uniqueKey?: string;
}

/**
 * Inserts a job. Pass the caller's transaction so the business write and the
 * job commit (or roll back) together. Returns the new job's id, or the id of
 * the live job already holding `uniqueKey`.
 */
export async function enqueue(db: Db, options: EnqueueOptions): Promise<bigint> {
  const values = jobValues(options);
  // A unique job can finish between our conflict and our select: try again.
  for (let tries = 0; tries < 5; tries++) {
    const inserted = await db
      .insertInto("jobs")
      .values(values)
      // The index predicate must be repeated for Postgres to pick the partial index.
      .onConflict((oc) => oc.column("unique_key").where(sql.ref("state"), "not in", FINAL_STATES).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (inserted !== undefined) return inserted.id;
    const existing = await db
      .selectFrom("jobs")
      .select("id")
      .where("unique_key", "=", options.uniqueKey ?? null)
      .where("state", "not in", ["completed", "discarded", "cancelled"])
      .executeTakeFirst();
    if (existing !== undefined) return existing.id;
  }
  throw new Error(`enqueue ${options.kind}: unique key ${options.uniqueKey ?? ""} kept conflicting`);
}

/** The columns of a new job, as enqueue() and enqueueForEachRow() write them. */
function jobValues(options: EnqueueOptions) {
  return {
    kind: options.kind,
    // The request that caused the job goes with it: the job's logs carry its id.
    payload: JSON.stringify(withCausingRequestId(options.payload ?? {})),
    state: "available" as const,
    run_at: options.runAt ?? sql<Date>`now() + ${options.delayMs ?? 0}::double precision * interval '1 millisecond'`,
    max_attempts: options.maxAttempts ?? 25,
    unique_key: options.uniqueKey ?? null,
  };
}

/**
 * enqueue() as a clause of a larger statement: `insert into jobs ... select
 * ... from <source>`, one job per row of the statement's CTE `source` (so
 * none when that CTE inserted nothing). One autocommitted statement then
 * writes a business row and its job together, in one round trip. A live job
 * already holding `uniqueKey` is kept, as with enqueue().
 */
export function enqueueForEachRow(source: string, options: EnqueueOptions): RawBuilder<unknown> {
  const v = jobValues(options);
  return sql`insert into jobs (kind, payload, state, run_at, max_attempts, unique_key)
    select ${v.kind}, ${v.payload}::jsonb, ${v.state}, (${v.run_at})::timestamptz, ${v.max_attempts}::int, ${v.unique_key}::text from ${sql.table(source)}
    on conflict (unique_key) where state not in ${FINAL_STATES} do nothing`;
}

/**
 * Puts 'running' jobs locked longer than `olderThanMs` ago (their worker
 * crashed or lost its connection) back to retryable, or discards them when
 * their attempts are spent. Returns how many were rescued.
 */
export async function rescueStuck(db: Db, olderThanMs: number): Promise<number> {
  const result = await sql<{ id: bigint }>`
    update jobs set
      state = case when attempt >= max_attempts then 'discarded' else 'retryable' end,
      finished_at = case when attempt >= max_attempts then now() else null end,
      run_at = now(), locked_at = null, locked_by = null,
      last_error = 'JobRescued: running for longer than ' || ${String(olderThanMs)} || ' ms (worker lost?)'
    where state = 'running' and locked_at < now() - ${olderThanMs}::double precision * interval '1 millisecond'
    returning id`.execute(db);
  return result.rows.length;
}

export interface QueueStats {
  counts: Record<JobState, number>;
  /** Age in ms of the oldest job that is due and not yet claimed (0 when none). */
  oldestAvailableMs: number;
}

/** Counts by state and queue lag, for metrics. */
export async function stats(db: Db): Promise<QueueStats> {
  const rows = await db.selectFrom("jobs").select(["state", sql<string>`count(*)::text`.as("n")]).groupBy("state").execute();
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  for (const row of rows) counts[row.state] = Number(row.n);
  const lag = await sql<{ ms: string | null }>`
    select (extract(epoch from now() - min(run_at)) * 1000)::text as ms
    from jobs where state in ('available', 'retryable') and run_at <= now()`.execute(db);
  const ms = lag.rows[0]?.ms;
  return { counts, oldestAvailableMs: ms == null ? 0 : Math.max(0, Math.round(Number(ms))) };
}
