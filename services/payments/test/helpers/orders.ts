import type { Stack } from "./stack.js";

// Orders set up directly, for tests of what happens after checkout: our row
// in the database and the same order created (and maybe paid) at the
// simulator, the way the SDK would have done it.

export interface SeedOrder {
  orderId: string;
  amountMinor: bigint;
  currency?: string;
  customerId?: string;
}

/** Inserts our order row (status NEW). */
export async function insertOrderRow(stack: Stack, order: SeedOrder): Promise<void> {
  await stack.database.database.db
    .insertInto("orders")
    .values({
      order_id: order.orderId,
      amount_minor: order.amountMinor,
      currency: order.currency ?? "INR",
      customer_id: order.customerId ?? "cust1",
      status: "NEW",
      status_raw: "",
    })
    .execute();
}

/** Creates the order at the simulator (POST /orders, as Juspay's API). */
export async function createSimOrder(stack: Stack, order: SeedOrder & { amountText?: string }): Promise<void> {
  const rupees = order.amountText ?? `${order.amountMinor / 100n}.${String(order.amountMinor % 100n).padStart(2, "0")}`;
  const res = await fetch(`${stack.sim.url}/orders`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ order_id: order.orderId, amount: rupees, currency: order.currency ?? "INR", customer_id: order.customerId ?? "cust1" }),
  });
  if (!res.ok) throw new Error(`sim create order: ${res.status} ${await res.text()}`);
}

/** A customer's payment attempt at the simulator. */
export async function paySimOrder(stack: Stack, orderId: string, outcome = "success"): Promise<void> {
  const res = await fetch(`${stack.sim.url}/__admin/orders/${orderId}/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
  if (!res.ok) throw new Error(`sim pay: ${res.status} ${await res.text()}`);
}

/** Our row plus the same order paid at the simulator: ready to refund. */
export async function seedPaidOrder(stack: Stack, order: SeedOrder): Promise<void> {
  await insertOrderRow(stack, order);
  await createSimOrder(stack, order);
  await paySimOrder(stack, order.orderId, "success");
}
