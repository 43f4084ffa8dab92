import { sql } from "kysely";
import type { Db } from "../../db/webhook-events-repository.js";

// Bodies that are not Juspay webhooks (not JSON, not an object, no
// event_name) are kept for an operator to look at, once per body hash with a
// count, and the table is capped: Juspay re-sends what we refuse for 24 h, and
// anyone who gets past the bridge's auth could send endless variants, so the
// least recently seen rows go first (criterion 27).

export const MAX_DEAD_LETTERS = 1_000;

export interface DeadLetter {
  bodyHash: string;
  body: Uint8Array;
  /** Why the body was refused: a parse error code and message; never body content. */
  reason: string;
}

/** Stores (or counts again) one refused body; returns how often it has been seen. */
export async function recordDeadLetter(db: Db, letter: DeadLetter, maxRows = MAX_DEAD_LETTERS): Promise<number> {
  const row = await db
    .insertInto("webhook_dead_letters")
    .values({ body_hash: letter.bodyHash, body: letter.body, reason: letter.reason })
    .onConflict((oc) =>
      oc.column("body_hash").doUpdateSet({ count: sql<number>`webhook_dead_letters.count + 1`, last_seen: sql<Date>`now()`, reason: letter.reason }),
    )
    .returning("count")
    .executeTakeFirstOrThrow();
  // Only a new row can push the table over the cap.
  if (row.count === 1) {
    await sql`
      delete from webhook_dead_letters where body_hash in (
        select body_hash from webhook_dead_letters order by last_seen desc, body_hash offset ${maxRows})`.execute(db);
  }
  return row.count;
}
