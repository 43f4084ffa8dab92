import type { Selectable } from "kysely";
import type { Db } from "./orders-repository.js";
import type { JuspayCustomersTable } from "./schema.js";

// Which of our customers Juspay holds (Create Customer answered).

export type JuspayCustomerRow = Selectable<JuspayCustomersTable>;

export async function findJuspayCustomer(db: Db, customerId: string): Promise<JuspayCustomerRow | undefined> {
  return db.selectFrom("juspay_customers").selectAll().where("customer_id", "=", customerId).executeTakeFirst();
}

/** Records that Juspay holds the customer; a row written meanwhile (another replica) is kept. */
export async function recordJuspayCustomer(db: Db, customerId: string, juspayCustomerId: string): Promise<void> {
  await db.insertInto("juspay_customers").values({ customer_id: customerId, juspay_customer_id: juspayCustomerId }).onConflict((oc) => oc.column("customer_id").doNothing()).execute();
}
