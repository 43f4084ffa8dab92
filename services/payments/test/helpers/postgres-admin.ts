import pg from "pg";

// Statements on the test PostgreSQL server itself (create, drop, look up
// databases), each on a connection of its own.

export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  await withAdminClient(serverUrl, (client) => client.query(statement));
}

export async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  return withAdminClient(serverUrl, async (client) => (await client.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1);
}

async function withAdminClient<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
