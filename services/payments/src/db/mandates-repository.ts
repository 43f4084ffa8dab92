import type { Selectable, Transaction } from "kysely";
import type { Db } from "./orders-repository.js";
import type { DatabaseSchema, MandateExecutionsTable, MandateNotificationsTable, MandatesTable } from "./schema.js";

// Queries on mandates, their notifications and their debits shared by the
// use cases. Every value goes in as a parameter; nothing is concatenated.

export type MandateRow = Selectable<MandatesTable>;
export type NotificationRow = Selectable<MandateNotificationsTable>;
export type ExecutionRow = Selectable<MandateExecutionsTable>;

export async function findMandate(db: Db, mandateId: string): Promise<MandateRow | undefined> {
  return db.selectFrom("mandates").selectAll().where("mandate_id", "=", mandateId).executeTakeFirst();
}

/** The mandate row, locked until the transaction ends: one writer per mandate at a time. */
export async function lockMandate(db: Transaction<DatabaseSchema>, mandateId: string): Promise<MandateRow | undefined> {
  return db.selectFrom("mandates").selectAll().where("mandate_id", "=", mandateId).forUpdate().executeTakeFirst();
}

/** The mandate a registration order created (the newest, should a failed attempt have left another). */
export async function mandateOfRegistration(db: Db, orderId: string): Promise<MandateRow | undefined> {
  return db.selectFrom("mandates").selectAll().where("registration_order_id", "=", orderId).orderBy("created_at", "desc").executeTakeFirst();
}

export async function findNotification(db: Db, notificationId: string): Promise<NotificationRow | undefined> {
  return db.selectFrom("mandate_notifications").selectAll().where("notification_id", "=", notificationId).executeTakeFirst();
}

export async function lockNotification(db: Transaction<DatabaseSchema>, notificationId: string): Promise<NotificationRow | undefined> {
  return db.selectFrom("mandate_notifications").selectAll().where("notification_id", "=", notificationId).forUpdate().executeTakeFirst();
}

export async function findExecution(db: Db, orderId: string): Promise<ExecutionRow | undefined> {
  return db.selectFrom("mandate_executions").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}
