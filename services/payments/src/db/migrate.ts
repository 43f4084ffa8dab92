import type { Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { migrations } from "./migrations/index.js";

export class MigrationError extends Error {
  constructor(migrationName: string | undefined, cause: unknown) {
    super(`database migration ${migrationName ?? "(setup)"} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "MigrationError";
  }
}

/**
 * Brings the schema to the latest migration. Safe to run from several replicas
 * at once: kysely's migrator serializes them on its lock table.
 * Returns the names of the migrations this call applied.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === "Error");
  if (error !== undefined) throw new MigrationError(failed?.migrationName, error);
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}
