import pg from "pg";

// Terminal (CHARGED) orders written straight into the bench database, shaped
// like a paid order after its sync: Juspay's ids, a card payment, the txn id
// `<merchant>-<order>-1`, last_synced_at set. One `insert … select … from
// generate_series` per step, split over two connections (two cores), so 1M
// rows take seconds rather than the hours the API would.

/** Order ids are `${ORDER_PREFIX}${n}` for n in [0, count). */
export const ORDER_PREFIX = "p2o";
/** Customers the orders are spread over (customer_id is indexed). */
const CUSTOMERS = 50_000;
const SEED_CONNECTIONS = 2;

/** What order `n` holds, for checking a seeded row through the API. */
export function expectedOrder(n: number, merchantId: string) {
  const customer = n % CUSTOMERS;
  return {
    orderId: `${ORDER_PREFIX}${n}`,
    amountMinor: 10_000 + (n % 9_000) * 100,
    currency: "INR",
    customerId: `cust${customer}`,
    customerEmail: `customer${customer}@example.com`,
    customerPhone: `98${String(customer).padStart(8, "0")}`,
    status: "CHARGED",
    statusId: 21,
    paymentMethodType: "CARD",
    paymentMethod: "VISA",
    txnId: `${merchantId}-${ORDER_PREFIX}${n}-1`,
  };
}

// Keep in step with expectedOrder. created_at spreads the orders over the
// last 90 days; the payment lands a minute later, the sync a few seconds after.
const INSERT_RANGE = `
  insert into orders (
    order_id, amount_minor, currency, customer_id, status, status_raw, status_id, order_type,
    juspay_order_id, customer_email, customer_phone, description, return_url, udfs,
    payment_method_type, payment_method, txn_id, amount_refunded_minor, version,
    created_at, updated_at, last_synced_at
  )
  select
    $1 || n, 10000 + (n % 9000) * 100, 'INR', 'cust' || (n % ${CUSTOMERS}), 'CHARGED', 'CHARGED', 21, 'PAYMENT',
    'ordeh_' || md5(n::text), 'customer' || (n % ${CUSTOMERS}) || '@example.com', '98' || lpad((n % ${CUSTOMERS})::text, 8, '0'),
    'Order ' || n || ' at the bench shop', 'https://shop.example.com/return', '{"udf1": "web", "udf2": "checkout-v2"}'::jsonb,
    'CARD', 'VISA', $2 || '-' || $1 || n || '-1', 0, 3,
    t, t + interval '1 minute', t + interval '65 seconds'
  from generate_series($3::int, $4::int - 1) as n,
       lateral (select now() - (n % 7776000) * interval '1 second') as created(t)`;

export interface SeedResult {
  rowsAdded: number;
  seconds: number;
  analyzeSeconds: number;
}

/** Inserts orders [from, to) and analyzes the table (the planner must see the new size). */
export async function seedOrders(databaseUrl: string, merchantId: string, from: number, to: number): Promise<SeedResult> {
  const clients = Array.from({ length: SEED_CONNECTIONS }, () => new pg.Client({ connectionString: databaseUrl }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    const started = performance.now();
    const step = Math.ceil((to - from) / SEED_CONNECTIONS);
    const counts = await Promise.all(
      clients.map(async (client, i) => {
        const start = from + i * step;
        const end = Math.min(to, start + step);
        if (start >= end) return 0;
        // A bulk load of rows nobody waits on: no need to wait for the WAL flush.
        await client.query("set synchronous_commit = off");
        const result = await client.query(INSERT_RANGE, [ORDER_PREFIX, merchantId, start, end]);
        return result.rowCount ?? 0;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const analyzeStarted = performance.now();
    await clients[0]!.query("analyze orders");
    return { rowsAdded: counts.reduce((a, b) => a + b, 0), seconds, analyzeSeconds: (performance.now() - analyzeStarted) / 1000 };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}
