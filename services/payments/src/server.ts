import { createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { AppContext } from "./app/context.js";
import type { OrderChangeFeed } from "./app/orders/order-change-feed.js";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { HealthMonitor, workerStaleAfterMs } from "./health/health-monitor.js";
import type { JobWorker } from "./jobs/worker.js";
import type { ServiceMetrics } from "./metrics/metrics-registry.js";
import { countRpc, rpcMetricsInterceptor } from "./metrics/rpc-metrics-interceptor.js";
import { rpcTracingInterceptor } from "./metrics/tracing.js";
import type { Logger } from "./logger.js";
import { CallerRegistry } from "./auth/caller-registry.js";
import { CallerRateLimiter } from "./auth/rate-limiter.js";
import { requestIdInterceptor } from "./observability/request-id-interceptor.js";
import { Admission } from "./rpc/admission.js";
import { errorInterceptor, validationInterceptor } from "./rpc/interceptors.js";
import { requestDecodeInterceptor, withProtocolErrorDetails } from "./rpc/protocol-errors.js";
import { requestGate } from "./rpc/request-gate.js";
import { routes } from "./rpc/routes.js";
import { streamLifetimeInterceptor } from "./rpc/stream-lifetime.js";
import { createOnePortServer } from "./transport/one-port-server.js";
import { createTlsServer } from "./transport/tls-server.js";
import { PEER_IDENTITIES, peerIdentities } from "./auth/peer-certificate.js";

export interface RunningServer {
  /** Where the server listens (the real port when PORT=0). */
  readonly address: { host: string; port: number };
  readonly health: HealthMonitor;
  /** Health turns NOT_SERVING, in-flight calls drain (up to the grace period), then connections close. */
  shutdown(): Promise<void>;
}

export interface ServerOptions {
  config: Pick<Config, "host" | "port" | "shutdownGraceMs" | "maxMessageBytes" | "access" | "connections">;
  database: Database;
  logger: Logger;
  app: AppContext;
  changeFeed: OrderChangeFeed;
  /** Where RPCs are counted and timed (ServiceParts.metrics); none recorded without it. */
  metrics?: ServiceMetrics;
  /** The job worker, when this replica runs one: health turns NOT_SERVING when its poll loop stops going round. */
  worker?: JobWorker | null;
  /** How long the worker's loop may go without a completed cycle (default: workerStaleAfterMs of its poll interval). */
  workerStaleAfterMs?: number;
}

/** Responses smaller than this go uncompressed whatever the caller accepts (connect's default is 1 KiB). */
export const RESPONSE_COMPRESS_MIN_BYTES = 64 * 1024;

/** Starts gRPC, gRPC-Web and Connect on one port, over an already migrated database. */
export async function startServer({ config, database, logger, app, changeFeed, metrics, worker, ...options }: ServerOptions): Promise<RunningServer> {
  const jobs = worker ? { lastPollAt: () => worker.lastPollAt, staleAfterMs: options.workerStaleAfterMs ?? workerStaleAfterMs(worker.pollIntervalMs) } : undefined;
  const health = new HealthMonitor({ pingDatabase: () => database.ping(1_000), jobs });
  const admission = new Admission(config.access.limits, (reason) => metrics?.loadShed.inc({ reason }));
  const handler = connectNodeAdapter({
    routes: withProtocolErrorDetails(routes({ health, app, changeFeed })),
    // Over TLS, what the verified client certificate says the caller is (plaintext calls skip this).
    ...(config.access.tls ? { contextValues: (req: Parameters<typeof peerIdentities>[0]) => createContextValues().set(PEER_IDENTITIES, peerIdentities(req)) } : {}),
    // Before the body is read: overload, who is calling, their quota and share (rpc/request-gate.ts).
    requestGate: requestGate({
      admission,
      auth: {
        registry: new CallerRegistry(config.access.callers),
        limiter: new CallerRateLimiter(),
        onRateLimited: (caller) => metrics?.rateLimited.inc({ caller }),
      },
      onRefused: (procedure, error, seconds) => metrics && countRpc(metrics, procedure, error.code, seconds),
    }),
    // Outermost first, for the calls the gate let in: the call runs under its request id; errors get their ErrorDetail;
    // the call holds its admission slots until done; streams end after their lifetime; then the request's rules.
    interceptors: [
      requestIdInterceptor(),
      requestDecodeInterceptor(),
      // Outside the error interceptor: metrics and spans record the code the caller gets.
      ...(metrics ? [rpcMetricsInterceptor(metrics)] : []),
      rpcTracingInterceptor(),
      errorInterceptor(logger),
      admission.interceptor(),
      streamLifetimeInterceptor(config.access.limits.maxStreamLifetimeMs),
      validationInterceptor({ currencies: app.settings.currencies }),
    ],
    readMaxBytes: config.maxMessageBytes,
    // Callers sit on the same network: gzip of a 2 KB payload response cost
    // more CPU (0.16 ms a call in tools/bench P1) than its bytes cost to send.
    // Only large answers (long list pages) are compressed, when the caller accepts it.
    compressMinBytes: RESPONSE_COMPRESS_MIN_BYTES,
  });
  // Unset (configs built in code): the transports' own defaults, CONNECTION_LIMIT_DEFAULTS.
  const server = config.access.tls ? createTlsServer(handler, config.access.tls, config.connections) : createOnePortServer(handler, config.connections);
  const address = await server.listen(config.host, config.port);
  return {
    address,
    health,
    async shutdown() {
      health.markShuttingDown();
      await server.close(config.shutdownGraceMs);
    },
  };
}
