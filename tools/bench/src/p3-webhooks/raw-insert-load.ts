import pg from "pg";
import { summarize, type LatencySummary } from "../measure/latency.js";
import { benchEventId, webhookBodies } from "./webhook-body.js";

// P3's baseline: single-row inserts into the same Postgres from one Node
// process, with the durability of the webhook path: each insert is its own
// autocommitted transaction (the server's synchronous_commit, so the WAL is
// flushed before the answer), a row of the event id, the same raw body bytes
// and a received time, with a unique key on the event id. A pg pool of the
// webhook load's connection count, one insert in flight per pool connection.

export const RAW_INSERT_TABLE = "bench_p3_raw_inserts";

export interface RawInsertLoadSpec {
  databaseUrl: string;
  concurrency: number;
  orderIds: string[];
  phaseTag: string;
  maxRequests: number;
  maxDurationMs: number;
}

export interface RawInsertLoadResult {
  phaseTag: string;
  completed: number;
  ok: number;
  /** Failed inserts by Postgres error code (or message). */
  errors: Record<string, number>;
  firstError?: string;
  durationMs: number;
  okPerSecond: number;
  latency: LatencySummary;
  synchronousCommit: string;
}

/** The scratch table, created by the benchmark before the load. */
export const CREATE_RAW_INSERT_TABLE = `create table if not exists ${RAW_INSERT_TABLE} (
  event_id text not null unique,
  body bytea not null,
  receive_time timestamptz not null
)`;

const INSERT = `insert into ${RAW_INSERT_TABLE} (event_id, body, receive_time) values ($1, $2, $3)`;

export async function runRawInsertLoad(spec: RawInsertLoadSpec): Promise<RawInsertLoadResult> {
  const bodies = webhookBodies();
  const pool = new pg.Pool({ connectionString: spec.databaseUrl, max: spec.concurrency });
  try {
    // Open every connection first, as the webhook path's pools are open before its run.
    const clients = await Promise.all(Array.from({ length: spec.concurrency }, () => pool.connect()));
    const { rows } = await clients[0]!.query<{ synchronous_commit: string }>("show synchronous_commit");
    for (const client of clients) client.release();

    let next = 0;
    let completed = 0;
    const latencies: number[] = [];
    const errors: Record<string, number> = {};
    let firstError: string | undefined;
    const started = performance.now();
    const stopAt = Date.now() + spec.maxDurationMs;
    const lane = async () => {
      while (next < spec.maxRequests && Date.now() < stopAt) {
        const seq = next++;
        const eventId = benchEventId(spec.phaseTag, seq);
        const body = Buffer.from(bodies.body(eventId, spec.orderIds[seq % spec.orderIds.length]!), "utf8");
        const sentAt = performance.now();
        try {
          await pool.query(INSERT, [eventId, body, new Date()]);
          latencies.push(performance.now() - sentAt);
        } catch (err) {
          const code = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
          errors[code] = (errors[code] ?? 0) + 1;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
        completed++;
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, lane));
    const durationMs = performance.now() - started;
    return {
      phaseTag: spec.phaseTag,
      completed,
      ok: latencies.length,
      errors,
      ...(firstError !== undefined && { firstError }),
      durationMs,
      okPerSecond: (latencies.length * 1000) / durationMs,
      latency: summarize(latencies),
      synchronousCommit: rows[0]!.synchronous_commit,
    };
  } finally {
    await pool.end();
  }
}
