import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { DatabaseSchema, OrdersTable, RefundsTable } from "./schema.js";

// Queries on orders and refunds shared by the use cases. Every value goes in
// as a parameter (kysely); nothing is concatenated into SQL.

export type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;
export type OrderRow = Selectable<OrdersTable>;
export type RefundRow = Selectable<RefundsTable>;

export async function findOrder(db: Db, orderId: string): Promise<OrderRow | undefined> {
  return db.selectFrom("orders").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}

/**
 * The stored order id equal to `orderId` but for letter case (abc1 finds ABC1,
 * and abc1 itself): Juspay sees both as one order, so migration 0009 keeps at
 * most one. Undefined when no order has it in any case.
 */
export async function storedOrderIdIgnoringCase(db: Db, orderId: string): Promise<string | undefined> {
  const row = await db.selectFrom("orders").select("order_id").where(sql<string>`lower(order_id)`, "=", sql<string>`lower(${orderId})`).executeTakeFirst();
  return row?.order_id;
}

/** The order row, locked until the transaction ends: one writer per order at a time. */
export async function lockOrder(db: Transaction<DatabaseSchema>, orderId: string): Promise<OrderRow | undefined> {
  return db.selectFrom("orders").selectAll().where("order_id", "=", orderId).forUpdate().executeTakeFirst();
}

export async function refundsOfOrder(db: Db, orderId: string): Promise<RefundRow[]> {
  return db.selectFrom("refunds").selectAll().where("order_id", "=", orderId).orderBy("created_at").orderBy("refund_id").execute();
}

export async function findRefund(db: Db, by: { refundId: string } | { uniqueRequestId: string }): Promise<RefundRow | undefined> {
  const query = db.selectFrom("refunds").selectAll();
  return ("refundId" in by ? query.where("refund_id", "=", by.refundId) : query.where("unique_request_id", "=", by.uniqueRequestId)).executeTakeFirst();
}
