import { sql } from "kysely";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findOrder, type RefundRow } from "../../db/orders-repository.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

// ListRefunds: an order's refunds from Postgres, oldest first (created_at,
// then refund_id), paged by keyset so rows added meanwhile never shift a page.
// No Juspay call: GetOrderStatus refreshes.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface RefundPage {
  refunds: RefundRow[];
  nextPageToken: string;
}

export async function listRefunds(ctx: AppContext, orderId: string, pageSize: number, pageToken: string): Promise<RefundPage> {
  const size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
  const after = pageToken === "" ? null : decodePageToken(pageToken, orderId);
  if ((await findOrder(ctx.db, orderId)) === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${orderId} not found`);

  let query = ctx.db
    .selectFrom("refunds")
    .selectAll()
    .select(sql<string>`(extract(epoch from created_at) * 1000000)::bigint::text`.as("created_at_us"))
    .where("order_id", "=", orderId);
  if (after !== null) {
    const at = sql<Date>`(timestamptz 'epoch' + ${after.createdAtUs}::bigint * interval '1 microsecond')`;
    query = query.where(sql<boolean>`(created_at, refund_id) > (${at}, ${after.refundId})`);
  }
  const rows = await query.orderBy("created_at").orderBy("refund_id").limit(size + 1).execute();
  const page = rows.slice(0, size);
  const last = page.at(-1);
  const nextPageToken = rows.length > size && last !== undefined ? encodePageToken({ orderId, createdAtUs: last.created_at_us, refundId: last.refund_id }) : "";
  return { refunds: page.map(({ created_at_us: _us, ...refund }) => refund), nextPageToken };
}
