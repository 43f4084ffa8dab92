import { loadOrExit } from "@payments/env-config";
import { loadMigrationConfig } from "./config.js";
import { openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { pendingMigrations } from "./db/pending-migrations.js";
import { createLogger } from "./logger.js";

// Migration-only entry point: `npm run migrate` and the Kubernetes migration
// Job (deploy/k8s/jobs/migrate.yaml, ADR 0014). Brings the schema to the
// latest migration, logs what it applied, and exits 0, or 1 when a migration
// fails (78 for a bad configuration). It reads the database settings only,
// so the Job holds no Juspay secret.

async function main(): Promise<number> {
  const config = loadOrExit("payments-migrate", () => loadMigrationConfig());
  const logger = createLogger(config.logLevel).child({ component: "migrate" });
  const database = await openDatabase(config.database, (err) => logger.warn({ err: err.message }, "idle database connection failed"));
  try {
    const pending = await pendingMigrations(database.db);
    logger.info({ database: database.kind, pending }, pending.length > 0 ? "applying migrations" : "schema already at the latest migration");
    const applied = await migrateToLatest(database.db);
    logger.info({ database: database.kind, applied }, "migrations done");
    return 0;
  } catch (err) {
    // MigrationError names the failed migration; on PostgreSQL the batch runs in one transaction and is rolled back.
    logger.error({ err: err instanceof Error ? err.message : String(err) }, "migration failed");
    return 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`payments-migrate: failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
