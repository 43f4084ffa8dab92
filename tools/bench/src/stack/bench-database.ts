import pg from "pg";

// A fresh database for each benchmark run, on the PostgreSQL server given by
// BENCH_DATABASE_URL (default: the local one), dropped afterwards: runs never
// see each other's rows, and nothing is left behind.

export const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** The server's version string, for the report. */
  readonly serverVersion: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createBenchDatabase(adminUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL): Promise<BenchDatabase> {
  const name = `payments_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`cannot reach PostgreSQL at ${new URL(adminUrl).host} (set BENCH_DATABASE_URL): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    await admin.query(`create database ${name}`);
    const { rows } = await admin.query<{ server_version: string }>("show server_version");
    return {
      name,
      url: withDatabase(adminUrl, name),
      serverVersion: rows[0]!.server_version,
      async drop() {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`drop database if exists ${name} with (force)`);
        } finally {
          await client.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}
