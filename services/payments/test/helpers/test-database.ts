import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DatabaseConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createMigratedPostgresDatabase, openEmptyPglite, openMigratedPglite } from "./database-templates.js";
import { adminQuery } from "./postgres-admin.js";

// Tests run on the real PostgreSQL named by DATABASE_URL (CI) or, without it,
// on an in-memory PGlite. On a real server each test file gets a database of
// its own, created here and dropped afterwards, so files can run in parallel.
// Empty (openTestDatabase: for tests of the migrations) or migrated.

export interface TestDatabase {
  database: Database;
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export const realPostgresUrl = (): string | undefined => process.env.DATABASE_URL || undefined;

export async function openTestDatabase(serverUrl: string | undefined = realPostgresUrl()): Promise<TestDatabase> {
  if (serverUrl === undefined) return pgliteTestDatabase(await openEmptyPglite());
  return postgresTestDatabase(serverUrl, (name) => adminQuery(serverUrl, `create database ${name}`));
}

/** A test database with every migration applied (a copy of a template migrated once: database-templates.ts). */
export async function openMigratedTestDatabase(serverUrl: string | undefined = realPostgresUrl()): Promise<TestDatabase> {
  if (serverUrl === undefined) return pgliteTestDatabase(await openMigratedPglite());
  return postgresTestDatabase(serverUrl, (name) => createMigratedPostgresDatabase(serverUrl, name));
}

function pgliteTestDatabase(database: Database): TestDatabase {
  return { database, config: { kind: "pglite", dataDir: undefined }, drop: () => database.close() };
}

async function postgresTestDatabase(serverUrl: string, create: (name: string) => Promise<void>): Promise<TestDatabase> {
  const name = `payments_test_${randomBytes(6).toString("hex")}`;
  await create(name);
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

/** The URL of a test database on a real server (for a service process to reach it). */
export function postgresUrlOf(test: TestDatabase): string {
  if (test.config.kind !== "postgres") throw new Error("not a PostgreSQL test database");
  return test.config.url;
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
