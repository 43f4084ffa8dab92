import { rememberSecrets } from "@payments/env-config/redaction";
import { JuspayClient, SigningKeys } from "@payments/juspay";
import { AlertCounters } from "./app/alert-counters.js";
import type { AppContext } from "./app/context.js";
import { ensureIdempotencyCleanup } from "./app/idempotency-cleanup-job.js";
import { ensureWebhookSweep } from "./app/webhooks/webhook-sweep-job.js";
import { OrderChangeFeed } from "./app/orders/order-change-feed.js";
import { SharedOrderRefreshes } from "./app/orders/shared-refreshes.js";
import { SharedCustomerRegistrations } from "./app/customers/shared-customer-registrations.js";
import type { JuspayApi } from "./app/ports.js";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { egressGuardedFetch } from "./egress-guard.js";
import { registerJobs } from "./jobs/registry.js";
import { eventSubjectEncoder } from "./rpc/event-subjects.js";
import { JobWorker } from "./jobs/worker.js";
import { requestIdFetch } from "./observability/request-id-fetch.js";
import type { Logger } from "./logger.js";
import { feedDatabaseGauges } from "./metrics/db-collectors.js";
import { juspayEndpointNamer } from "./metrics/juspay-endpoint.js";
import { observedJuspayFetch } from "./metrics/juspay-metrics-fetch.js";
import { ServiceMetrics } from "./metrics/metrics-registry.js";
import { circuitReader, jobAttemptRecorder } from "./metrics/service-hooks.js";

// Builds the application: the Juspay client, signing keys, the context every
// use case receives, the order change feed and the job worker. main.ts and
// the tests build the service the same way.

export interface ServiceParts {
  app: AppContext;
  changeFeed: OrderChangeFeed;
  /** Null when JOBS_ENABLED=false (a replica that only serves RPCs). */
  worker: JobWorker | null;
  /** The service's Prometheus metrics (served by metrics/metrics-server.ts; the RPC interceptors record into it). */
  metrics: ServiceMetrics;
  /** Starts background work. */
  start(): Promise<void>;
  /** Stops background work (running jobs get up to graceMs). */
  stop(graceMs: number): Promise<void>;
}

export interface ServiceOptions {
  config: Pick<Config, "juspay" | "payments" | "jobs">;
  database: Database;
  logger: Logger;
  /** Replaces the Juspay client (tests). */
  juspay?: JuspayApi;
  /** How often WatchOrder looks for changes made by other replicas (default 500 ms). */
  changePollIntervalMs?: number;
}

export function createService(options: ServiceOptions): ServiceParts {
  const { config, database, logger } = options;
  const db = database.db;
  rememberSecrets(config.juspay.apiKey);
  const metrics = new ServiceMetrics();
  feedDatabaseGauges(metrics, db, (err) => logger.warn({ err: describe(err) }, "database gauges could not be read"));
  const juspay =
    options.juspay ??
    new JuspayClient({
      baseUrl: config.juspay.baseUrl,
      apiKey: config.juspay.apiKey,
      merchantId: config.juspay.merchantId,
      version: config.juspay.apiVersion,
      executionStatusPath: config.juspay.executionStatusPath,
      maxConcurrency: config.juspay.maxConcurrency,
      jwe: config.juspay.auth?.kind === "jwe" ? config.juspay.auth.keys : undefined,
      logger: logger.child({ component: "juspay" }),
      fetch: requestIdFetch(observedJuspayFetch(
        egressGuardedFetch(config.juspay.baseUrl, (origin) => logger.error({ origin }, "outbound request to a host other than Juspay refused")),
        { metrics, endpointOf: juspayEndpointNamer(config.juspay.baseUrl, [config.juspay.executionStatusPath]) },
      )),
    });
  if (juspay instanceof JuspayClient) metrics.readCircuitsWith(circuitReader(juspay));
  const keys = config.payments.signingKeys;
  const changeFeed = new OrderChangeFeed(db, {
    pollIntervalMs: options.changePollIntervalMs,
    onError: (err) => logger.warn({ err: describe(err) }, "order change poll failed"),
  });
  let worker: JobWorker | null = null;
  const app: AppContext = {
    db,
    juspay,
    merchantId: config.juspay.merchantId,
    settings: config.payments,
    signingKeys: keys.length > 0 ? new SigningKeys(keys) : null,
    logger,
    alerts: new AlertCounters((alert) => metrics.alerts.inc({ alert })),
    orderChanges: changeFeed,
    eventSubjects: eventSubjectEncoder,
    orderRefreshes: new SharedOrderRefreshes(),
    customerRegistrations: new SharedCustomerRegistrations(),
    wakeJobs: () => worker?.wake(),
  };
  if (config.jobs.enabled) {
    worker = registerJobs(
      new JobWorker(db, {
        pollIntervalMs: config.jobs.pollIntervalMs,
        concurrency: config.jobs.concurrency,
        jobTimeoutMs: config.jobs.timeoutMs,
        rescueAfterMs: config.jobs.rescueAfterMs,
        onError: (err) => logger.warn({ err: describe(err) }, "job worker error"),
        onSettled: jobAttemptRecorder(metrics),
      }),
      app,
    );
  }
  return {
    app,
    changeFeed,
    worker,
    metrics,
    async start() {
      if (worker === null) return;
      await ensureIdempotencyCleanup(db);
      await ensureWebhookSweep(db);
      worker.start();
    },
    async stop(graceMs) {
      changeFeed.stop();
      await worker?.stop(graceMs);
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
