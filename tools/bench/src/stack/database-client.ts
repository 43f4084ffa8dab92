import pg from "pg";

// A short-lived connection to the bench database for set-up and checks
// outside the measured runs.

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Orders whose id starts with `prefix`: what a benchmark wrote or seeded. */
export function countOrdersWithPrefix(url: string, prefix: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>("select count(*) as n from orders where order_id like $1", [`${prefix}%`]);
    return Number(rows[0]!.n);
  });
}
