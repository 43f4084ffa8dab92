import { loadOrExit } from "@payments/env-config";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { requireMigrated } from "./db/pending-migrations.js";
import { createLogger } from "./logger.js";
import { startMetricsServer } from "./metrics/metrics-server.js";
import { startServer } from "./server.js";
import { createService } from "./service.js";

// Process entry point: configuration, database and migrations, the server,
// and a graceful shutdown on SIGTERM/SIGINT.


async function main(): Promise<void> {
  const config = loadOrExit("payments", () => loadConfig());
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database, (err) => logger.warn({ err: err.message }, "idle database connection failed"));
  // MIGRATE_ON_START=false (Kubernetes): the migration Job owns the schema; refuse to serve an older one.
  const applied = config.migrateOnStart === false ? await requireMigrated(database.db) : await migrateToLatest(database.db);
  logger.info({ database: database.kind, applied }, "database ready");

  const service = createService({ config, database, logger });
  const server = await startServer({ config, database, logger, app: service.app, changeFeed: service.changeFeed, metrics: service.metrics, worker: service.worker });
  await service.start();
  const metricsPort = config.metrics.port;
  const metricsServer = metricsPort === null ? null : await startMetricsServer(service.metrics, { host: config.metrics.host, port: metricsPort, logger });
  if (metricsServer) logger.info({ metricsAddress: `${metricsServer.address.host}:${metricsServer.address.port}` }, "metrics served at /metrics");
  logger.info({ address: `${server.address.host}:${server.address.port}` }, "payments service listening (gRPC, gRPC-Web and Connect)");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down: draining in-flight calls");
    await server.shutdown();
    // Jobs finish or are handed back (a stopped job is retried, by any replica).
    await service.stop(config.shutdownGraceMs);
    // Scrapes are answered while calls drain; not once the database is going.
    await metricsServer?.close();
    await database.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`payments: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
