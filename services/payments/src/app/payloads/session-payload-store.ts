import { sql, type Selectable } from "kysely";
import type { Db } from "../../db/orders-repository.js";
import type { SessionPayloadsTable } from "../../db/schema.js";
import type { ProcessPayloadResult } from "./process-payload-result.js";

// The Session API payload of an order, kept (migration 0010) so a second
// SESSION-flavour call for the order can be answered with it: Juspay issues
// one per order. It carries a client auth token: it is kept only until its
// own expiry, pruned after that, and never logged.

export type KeptSessionPayload = Selectable<SessionPayloadsTable>;

/** Keeps a payload just received from Juspay (a later one for the same order replaces it). No expiry known: nothing is kept. */
export async function keepSessionPayload(db: Db, result: ProcessPayloadResult): Promise<void> {
  if (result.session === undefined || result.expireTime === null) return;
  const row = {
    order_id: result.orderId,
    payload_json: result.payloadJson,
    request_id: result.requestId,
    service: result.service,
    web_payment_url: result.session.webPaymentUrl,
    juspay_order_id: result.session.juspayOrderId,
    expires_at: result.expireTime,
  };
  await db
    .insertInto("session_payloads")
    .values(row)
    .onConflict((oc) => oc.column("order_id").doUpdateSet(row))
    .execute();
}

export async function findSessionPayload(db: Db, orderId: string): Promise<KeptSessionPayload | undefined> {
  return db.selectFrom("session_payloads").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}

/** The kept payload as CreateProcessPayload answers it: the same bytes the first call handed out. */
export function keptSessionResult(kept: KeptSessionPayload): ProcessPayloadResult {
  return {
    orderId: kept.order_id,
    flavour: "session",
    payloadJson: kept.payload_json,
    requestId: kept.request_id,
    service: kept.service,
    expireTime: kept.expires_at,
    session: { sdkPayloadJson: kept.payload_json, webPaymentUrl: kept.web_payment_url, juspayOrderId: kept.juspay_order_id },
  };
}

/** Deletes payloads past their expiry, at most `limit`; returns how many. */
export async function pruneExpiredSessionPayloads(db: Db, limit: number): Promise<number> {
  const result = await sql<{ order_id: string }>`
    delete from session_payloads where order_id in (
      select order_id from session_payloads where expires_at < now() limit ${limit})
    returning order_id`.execute(db);
  return result.rows.length;
}
