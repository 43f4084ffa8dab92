import pg from "pg";
import { OutcomeRecorder, type CallOutcomes } from "../load/call-outcomes.js";
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

/** Failed inserts are counted by Postgres error code (or message). */
export interface RawInsertLoadResult extends CallOutcomes {
  phaseTag: string;
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
    const recorder = new OutcomeRecorder();
    const stopAt = Date.now() + spec.maxDurationMs;
    const lane = async () => {
      while (next < spec.maxRequests && Date.now() < stopAt) {
        const seq = next++;
        const eventId = benchEventId(spec.phaseTag, seq);
        const body = Buffer.from(bodies.body(eventId, spec.orderIds[seq % spec.orderIds.length]!), "utf8");
        const sentAt = performance.now();
        try {
          await pool.query(INSERT, [eventId, body, new Date()]);
          recorder.succeeded(performance.now() - sentAt);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          recorder.failed((err as { code?: string }).code ?? message, message);
        }
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, lane));
    return { phaseTag: spec.phaseTag, ...recorder.outcomes(), synchronousCommit: rows[0]!.synchronous_commit };
  } finally {
    await pool.end();
  }
}
