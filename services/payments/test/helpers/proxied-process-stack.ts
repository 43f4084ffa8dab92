import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor } from "@payments/client";
import { startSimulator, type Simulator } from "@payments/juspay-sim";
import { Health } from "@payments/proto/health/v1/health_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import pg from "pg";
import { startBridgeProcess, startServiceProcess, type RunningProcess } from "./processes.js";
import type { Stack } from "./stack.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";
import { TEST_TOKEN } from "./test-callers.js";
import { openMigratedTestDatabase, type TestDatabase } from "./test-database.js";

// The service and the webhook bridge as processes, the service reaching a
// throwaway PostgreSQL database through a TCP proxy the test can cut, and the
// simulator delivering Juspay's webhooks to the bridge: for tests that take the
// database away under load (reliability criteria 22 and 23). Real PostgreSQL only.

/** The service's application_name (PGAPPNAME), to find its connections in pg_stat_activity. */
export const SERVICE_APPLICATION_NAME = "payments_resilience";

const WEBHOOK_USERNAME = "juspay_resilience";
const WEBHOOK_PASSWORD = "resilience-webhook-password";

export interface ServiceBackend {
  pid: number;
  state: string | null;
  wait_event_type: string | null;
}

export interface ProxiedProcessStack {
  sim: Simulator;
  database: TestDatabase;
  /** Between the service and Postgres: stop() looks like a database restart to the service. */
  proxy: TcpProxy;
  service: RunningProcess;
  bridge: RunningProcess;
  /** gRPC to the service process, as the all-scopes test caller. */
  orders: Client<typeof OrderService>;
  health: Client<typeof Health>;
  /** A connection of the test's own to the test database (not through the proxy); the caller ends it. */
  adminClient(): Promise<pg.Client>;
  /** The service's connections as the server sees them. */
  serviceBackends(): Promise<ServiceBackend[]>;
  /** What the helpers in orders.ts need (they read only `sim` and `database`). */
  asSeedTarget(): Stack;
  stop(): Promise<void>;
}

/** Starts everything; `serviceEnv` adds to or overrides the service's environment (DATABASE_* limits). */
export async function startProxiedProcessStack(serverUrl: string, serviceEnv: Record<string, string>): Promise<ProxiedProcessStack> {
  // A simulated minute per 0.1 real second: Juspay's webhook retries come quickly.
  const sim = await startSimulator({ port: 0, timeScale: 600 });
  const database = await openMigratedTestDatabase(serverUrl);
  if (database.config.kind !== "postgres") throw new Error("a proxied stack needs a PostgreSQL server");
  const directUrl = database.config.url;
  const target = new URL(directUrl);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const proxiedUrl = new URL(directUrl);
  proxiedUrl.host = `127.0.0.1:${proxy.port}`;

  const service = await startServiceProcess({
    DATABASE_URL: proxiedUrl.toString(),
    PGAPPNAME: SERVICE_APPLICATION_NAME,
    JUSPAY_BASE_URL: sim.url,
    JUSPAY_API_KEY: sim.options.apiKey,
    JUSPAY_MERCHANT_ID: sim.options.merchantId,
    JUSPAY_CLIENT_ID: "sim_client",
    JOBS_POLL_INTERVAL_MS: "100",
    SHUTDOWN_GRACE_MS: "1000",
    ...serviceEnv,
  });
  const baseUrl = `http://${service.address}`;
  const bridge = await startBridgeProcess({
    PAYMENTS_URL: baseUrl,
    WEBHOOK_USERNAME,
    WEBHOOK_PASSWORD,
    FORWARD_TIMEOUT_MS: "3000",
  });
  sim.webhooks.configure({ url: `http://${bridge.address}/webhooks/juspay`, username: WEBHOOK_USERNAME, password: WEBHOOK_PASSWORD, attemptTimeoutMs: 5_000 });

  const transport = createGrpcTransport({ baseUrl, interceptors: [bearerTokenInterceptor(TEST_TOKEN)] });
  const adminClient = async () => {
    const client = new pg.Client({ connectionString: directUrl });
    await client.connect();
    return client;
  };
  const stack: ProxiedProcessStack = {
    sim,
    database,
    proxy,
    service,
    bridge,
    orders: createClient(OrderService, transport),
    health: createClient(Health, transport),
    adminClient,
    async serviceBackends() {
      const admin = await adminClient();
      try {
        const { rows } = await admin.query<ServiceBackend>(
          "select pid, state, wait_event_type from pg_stat_activity where application_name = $1 and datname = current_database()",
          [SERVICE_APPLICATION_NAME],
        );
        return rows;
      } finally {
        await admin.end();
      }
    },
    asSeedTarget: () => ({ sim, database }) as Pick<Stack, "sim" | "database"> as Stack,
    async stop() {
      await service.kill("SIGTERM");
      await bridge.kill("SIGTERM");
      await sim.close();
      await proxy.close();
      await database.drop();
    },
  };
  return stack;
}
