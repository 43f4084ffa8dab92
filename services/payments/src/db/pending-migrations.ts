import type { Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { migrations } from "./migrations/index.js";

// With MIGRATE_ON_START=false the migration Job owns the schema (ADR 0014):
// a replica only checks that the Job has run, and refuses to serve a schema
// older than its code rather than fail on a missing column later.

export class SchemaBehindError extends Error {
  constructor(readonly pending: string[]) {
    super(`database schema is behind this build: ${pending.join(", ")} not applied; run the migration Job (node dist/migrate-main.js) first`);
    this.name = "SchemaBehindError";
  }
}

/** Names of the migrations this build knows that the database has not run, oldest first. Reads only. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const known = await migrator.getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Throws SchemaBehindError when a migration is pending; returns the (empty) list applied, like migrateToLatest. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export async function requireMigrated(db: Kysely<any>): Promise<string[]> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) throw new SchemaBehindError(pending);
  return [];
}
