import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.js";
import { JOB_KINDS } from "../jobs/kinds.js";
import type { DatabaseGauges, ServiceMetrics } from "./metrics-registry.js";

// The gauges that describe shared state (the job queue, webhook backlog,
// refunds waiting for a human) are read from the database when Prometheus
// scrapes, not kept in memory: every replica then reports the same truth, and
// nothing drifts when another replica or a migration changes rows. Each value
// is one short query that an index answers or that stops early (LIMIT), all
// in one transaction with a tight statement_timeout, so a scrape costs one
// connection for a few milliseconds however large the tables grow. The
// gauges of one scrape share one read.

const LIVE_JOB_STATES = ["available", "running", "retryable"] as const;
const WATCHED_WEBHOOK_STATES = ["RECEIVED", "FAILED", "UNMATCHED", "MALFORMED"] as const;
/** Counts of rows that can pile up stop here: past it, the exact number does not change what an operator does. */
export const COUNT_CAP = 10_000;
const STATEMENT_TIMEOUT_MS = 2_000;
const READ_TIMEOUT_MS = 5_000;

/** Makes `metrics` read its database gauges from `db` at each scrape; `onFailure` hears of a read that failed (database down, timeout). */
export function feedDatabaseGauges(metrics: ServiceMetrics, db: Kysely<DatabaseSchema>, onFailure: (err: unknown) => void = () => {}): void {
  metrics.readDatabaseWith(
    databaseGaugeReader(db, (err) => {
      metrics.databaseCollectFailures.inc();
      onFailure(err);
    }),
  );
}

/** Concurrent calls (the gauges of one scrape) share one read; a failed read yields undefined. */
export function databaseGaugeReader(db: Kysely<DatabaseSchema>, onFailure: (err: unknown) => void): () => Promise<DatabaseGauges | undefined> {
  let inFlight: Promise<DatabaseGauges | undefined> | undefined;
  return () => {
    inFlight ??= withTimeout(readGauges(db), READ_TIMEOUT_MS)
      .catch((err: unknown) => {
        onFailure(err);
        return undefined;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

async function readGauges(db: Kysely<DatabaseSchema>): Promise<DatabaseGauges> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS)}, true)`.execute(trx);
    // Live states only: finished jobs stay in the table, and the partial indexes cover exactly these.
    const jobs = await sql<{ kind: string; state: string; n: number }>`
      select kind, state, count(*)::int as n from jobs
      where state in ('available', 'running', 'retryable')
      group by kind, state`.execute(trx);
    const due = await sql<{ kind: string; seconds: number }>`
      select kind, extract(epoch from now() - min(run_at))::float8 as seconds from jobs
      where state in ('available', 'retryable') and run_at <= now()
      group by kind`.execute(trx);
    // One capped count per state, each an index range scan on (state, receive_time).
    const webhooks = await sql<{ state: string; n: number }>`
      select s.state, (select count(*)::int from (select 1 from webhook_events w where w.state = s.state limit ${COUNT_CAP}) capped) as n
      from (values ${sql.join(WATCHED_WEBHOOK_STATES.map((state) => sql`(${state})`))}) as s(state)`.execute(trx);
    const oldestWebhook = await sql<{ seconds: number | null }>`
      select extract(epoch from now() - min(receive_time))::float8 as seconds from webhook_events
      where state in ('RECEIVED', 'FAILED')`.execute(trx);
    const manualReview = await sql<{ n: number }>`
      select count(*)::int as n from (select 1 from refunds where status = 'MANUAL_REVIEW' limit ${COUNT_CAP}) capped`.execute(trx);
    return {
      jobs: zeroFilledJobs(jobs.rows),
      oldestDueAgeSeconds: zeroFilledDue(due.rows),
      webhookEvents: webhooks.rows.map((r) => ({ state: r.state, count: r.n })),
      webhookOldestUnprocessedAgeSeconds: Math.max(0, oldestWebhook.rows[0]?.seconds ?? 0),
      refundsManualReview: manualReview.rows[0]?.n ?? 0,
    };
  });
}

/** Every known kind in every live state, 0 when it has none, so alert rules never meet a missing series. */
function zeroFilledJobs(rows: { kind: string; state: string; n: number }[]): DatabaseGauges["jobs"] {
  const series = new Map<string, DatabaseGauges["jobs"][number]>();
  for (const kind of Object.values(JOB_KINDS)) for (const state of LIVE_JOB_STATES) series.set(JSON.stringify([kind, state]), { kind, state, count: 0 });
  for (const row of rows) series.set(JSON.stringify([row.kind, row.state]), { kind: row.kind, state: row.state, count: row.n });
  return [...series.values()];
}

function zeroFilledDue(rows: { kind: string; seconds: number }[]): DatabaseGauges["oldestDueAgeSeconds"] {
  const ages = new Map<string, number>(Object.values(JOB_KINDS).map((kind) => [kind, 0]));
  // A job due "now" by the database's clock can be a hair in the future by the age's rounding.
  for (const row of rows) ages.set(row.kind, Math.max(0, row.seconds));
  return [...ages].map(([kind, seconds]) => ({ kind, seconds }));
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database gauges not read within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
