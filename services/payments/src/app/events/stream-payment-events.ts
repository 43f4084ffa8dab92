import type { Selectable } from "kysely";
import type { PaymentEventsTable } from "../../db/schema.js";
import type { AppContext } from "../context.js";

// StreamPaymentEvents: every event after a cursor, in cursor order, then new
// ones as they commit (any replica: they all append to the same table), until
// the caller goes away. Polls the outbox; an idle stream gets a heartbeat
// carrying the cursor it has reached, so a consumer can checkpoint even when
// its filter matches nothing for a while.

export type PaymentEventRow = Selectable<PaymentEventsTable>;

export type StreamItem = { kind: "event"; event: PaymentEventRow } | { kind: "heartbeat"; cursor: bigint };

export interface StreamOptions {
  /** Resume after this cursor; "now" starts after the newest event. */
  after: bigint | "now";
  /** Event type names (without prefix) to send; empty = all. */
  types: string[];
  signal: AbortSignal;
  pollIntervalMs?: number;
  heartbeatMs?: number;
}

const BATCH = 500;

export async function* streamPaymentEvents(ctx: AppContext, options: StreamOptions): AsyncGenerator<StreamItem> {
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let cursor = options.after === "now" ? await newestCursor(ctx) : options.after;
  let lastSent = Date.now();
  while (!options.signal.aborted) {
    let query = ctx.db.selectFrom("payment_events").selectAll().where("cursor", ">", cursor).orderBy("cursor").limit(BATCH);
    if (options.types.length > 0) query = query.where("type", "in", options.types);
    const rows = await query.execute();
    for (const event of rows) {
      cursor = event.cursor;
      lastSent = Date.now();
      yield { kind: "event", event };
    }
    if (rows.length === BATCH) continue;
    if (Date.now() - lastSent >= heartbeatMs) {
      // Filtered-out events still move the consumer's position forward.
      cursor = maxBigint(cursor, await newestCursor(ctx));
      lastSent = Date.now();
      yield { kind: "heartbeat", cursor };
    }
    await sleep(pollIntervalMs, options.signal);
  }
}

async function newestCursor(ctx: AppContext): Promise<bigint> {
  const row = await ctx.db.selectFrom("payment_events").select(ctx.db.fn.max("cursor").as("max")).executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0n : BigInt(row.max);
}

function maxBigint(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
