import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DatabaseConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";

// Tests run on the real PostgreSQL named by DATABASE_URL (CI) or, without it,
// on an in-memory PGlite. On a real server each test file gets a database of
// its own, created here and dropped afterwards, so files can run in parallel.

export interface TestDatabase {
  database: Database;
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export const realPostgresUrl = (): string | undefined => process.env.DATABASE_URL || undefined;

export async function openTestDatabase(serverUrl: string | undefined = realPostgresUrl()): Promise<TestDatabase> {
  if (serverUrl === undefined) {
    const config: DatabaseConfig = { kind: "pglite", dataDir: undefined };
    const database = await openDatabase(config);
    return { database, config, drop: () => database.close() };
  }
  const name = `payments_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { kind: "postgres", url: url.toString(), poolSize: 5 };
  const database = await openDatabase(config);
  return {
    database,
    config,
    async drop() {
      await database.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Whether a PostgreSQL server answers at the URL (used to pick what to run). */
export async function postgresReachable(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
