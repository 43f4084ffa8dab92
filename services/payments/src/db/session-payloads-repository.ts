import { sql, type Insertable, type Selectable } from "kysely";
import type { Db } from "./orders-repository.js";
import type { SessionPayloadsTable } from "./schema.js";

// The Session API payloads kept for reuse (migration 0010). Each holds a
// client auth token: kept only until its own expiry, then pruned.

export type KeptSessionPayload = Selectable<SessionPayloadsTable>;

/** Keeps an order's payload; a later one for the same order replaces it. */
export async function upsertSessionPayload(db: Db, row: Insertable<SessionPayloadsTable>): Promise<void> {
  await db
    .insertInto("session_payloads")
    .values(row)
    .onConflict((oc) => oc.column("order_id").doUpdateSet(row))
    .execute();
}

export async function findSessionPayload(db: Db, orderId: string): Promise<KeptSessionPayload | undefined> {
  return db.selectFrom("session_payloads").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}

/** Deletes payloads past their expiry, at most `limit`; returns how many. */
export async function pruneExpiredSessionPayloads(db: Db, limit: number): Promise<number> {
  const result = await sql<{ order_id: string }>`
    delete from session_payloads where order_id in (
      select order_id from session_payloads where expires_at < now() limit ${limit})
    returning order_id`.execute(db);
  return result.rows.length;
}
