import pg from "pg";
import { OUTBOX_LOCK_KEY } from "../../src/app/events/payment-events.js";
import { eventually } from "./stack.js";

// The payment_events outbox lock, taken by a connection of the test's own
// (real PostgreSQL only): a transaction that records an event stops there with
// its row locks held until the test lets go. Lets a test put a second writer
// of the same order in front of a first one that has written but not committed.

export type LockWait = "outbox" | "row";

export interface HeldOutboxLock {
  /** Waits until a transaction of this database waits for the outbox lock, or for a row another one holds. */
  waitForWaiter(on: LockWait): Promise<void>;
  release(): Promise<void>;
}

export async function holdOutboxLock(databaseUrl: string): Promise<HeldOutboxLock> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query("select pg_advisory_lock($1)", [OUTBOX_LOCK_KEY]);
  return {
    async waitForWaiter(on) {
      // A row held by another transaction is waited for on that transaction's id (or the tuple).
      const types = on === "outbox" ? ["advisory"] : ["transactionid", "tuple"];
      await eventually(async () => {
        const { rows } = await client.query<{ n: string }>(
          "select count(*) as n from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and l.locktype = any($1) and a.datname = current_database()",
          [types],
        );
        return Number(rows[0]?.n) > 0 ? true : undefined;
      }, 10_000, `a transaction waiting on the ${on} lock`);
    },
    async release() {
      try {
        await client.query("select pg_advisory_unlock($1)", [OUTBOX_LOCK_KEY]);
      } finally {
        await client.end();
      }
    },
  };
}
