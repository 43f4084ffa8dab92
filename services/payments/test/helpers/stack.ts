import { generateKeyPairSync } from "node:crypto";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { bearerTokenInterceptor } from "@payments/client";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { startSimulator, type Simulator, type SimulatorOptions } from "@payments/juspay-sim";
import { MandateService } from "@payments/proto/payments/v1/mandate_service_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { PayloadService } from "@payments/proto/payments/v1/payload_service_pb";
import { WebhookService } from "@payments/proto/payments/v1/webhook_service_pb";
import { DEFAULT_EXECUTION_STATUS_PATH, JuspayClient } from "@payments/juspay";
import type { JuspayApi } from "../../src/app/ports.js";
import { SIGNED_PAYLOAD_WINDOW_MS, type ConnectionLimits, type PaymentsSettings } from "../../src/config.js";
import { readJuspayAuth, type JuspayAuth } from "../../src/juspay-auth-config.js";
import { ConfigError, EnvReader, type Env } from "@payments/env-config";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { startMetricsServer, type MetricsServer } from "../../src/metrics/metrics-server.js";
import { createService, type ServiceParts } from "../../src/service.js";
import { loadConfig as loadBridgeConfig } from "../../../webhook-bridge/src/config.js";
import { startBridge, WEBHOOK_PATH, type Bridge } from "../../../webhook-bridge/src/server.js";
import { createLogger as createBridgeLogger } from "../../../webhook-bridge/src/logger.js";
import type { AccessConfig } from "../../src/auth/access-config.js";
import type { Caller } from "../../src/auth/callers.js";
import { captureLogs, type LogCapture } from "./log-capture.js";
import type { KnownSecret } from "./log-scan.js";
import { TEST_TOKEN, testAccess } from "./test-callers.js";
import { openMigratedTestDatabase, type TestDatabase } from "./test-database.js";

// The whole stack for integration tests: the Juspay simulator (in this
// process, over real HTTP on its own port, its clock driven by the test),
// a migrated test database (copied from a template; real PostgreSQL with DATABASE_URL, else PGlite),
// and the service on a real socket, called over gRPC.

export const SIGNING_KEY_ID = "test_key_1";

let keyPair: { privateKeyPem: string; publicKeyPem: string } | undefined;

/** One RSA-2048 pair per test process (generating one takes a while). */
export function testSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  keyPair ??= (() => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return {
      privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
  })();
  return keyPair;
}

export interface StackOptions {
  /** Overrides of the payments settings (sync delays, allow-lists, ...). */
  settings?: Partial<PaymentsSettings>;
  /** Run the job worker (default true; polls every 50 ms). */
  jobs?: boolean;
  /** Simulated seconds per real second (default 1e-6: the simulated clock only moves when the test advances it). */
  timeScale?: number;
  /** Wraps the service's Juspay client (given the simulator's URL), to misbehave in ways the simulator cannot. */
  wrapJuspay?: (real: JuspayApi) => JuspayApi;
  /** Run the webhook bridge (in this process, on its own port) and make the simulator deliver its webhooks to it, as `npm start` does. */
  webhooks?: boolean;
  /** Serve GET /metrics on a free port of its own (Stack.metricsUrl), as main.ts does. */
  metrics?: boolean;
  /** How long the job worker's loop may go without a completed cycle before health says NOT_SERVING. */
  workerStaleAfterMs?: number;
  /** Callers besides the all-scopes test caller (TEST_TOKEN). */
  callers?: Caller[];
  /** Admission limits (default: higher than any test reaches). */
  limits?: Partial<AccessConfig["limits"]>;
  /** Serve over TLS (mutual with a client CA); the stack's own clients then cannot connect: build TLS ones. */
  tls?: AccessConfig["tls"];
  /** Timeouts and connection cap of the RPC port (default: CONNECTION_LIMIT_DEFAULTS). */
  connections?: ConnectionLimits;
  /** JUSPAY_AUTH and its key variables, read as the service reads them (given the simulator, to register keys with it). */
  juspayAuthEnv?: (sim: Simulator) => Env;
  /** Simulator options besides port and time scale (default: the simulator's, as Juspay documents: e.g. strict customers). */
  sim?: Partial<SimulatorOptions>;
  /** JUSPAY_EXECUTION_STATUS_PATH (default: DEFAULT_EXECUTION_STATUS_PATH). */
  executionStatusPath?: string;
}

/** Basic-auth pair between the simulator and the in-test bridge. */
export const TEST_WEBHOOK_CREDENTIALS = { username: "juspay_test", password: "test-webhook-password" };

export interface Stack {
  sim: Simulator;
  service: ServiceParts;
  server: RunningServer;
  /** The webhook bridge, when started with `webhooks: true`. */
  bridge: Bridge | undefined;
  database: TestDatabase;
  /** "http://127.0.0.1:<port>" of the service. */
  baseUrl: string;
  /** gRPC to the service as the all-scopes test caller. */
  transport: Transport;
  /** That caller's bearer token. */
  token: string;
  payloads: Client<typeof PayloadService>;
  orders: Client<typeof OrderService>;
  mandates: Client<typeof MandateService>;
  webhooks: Client<typeof WebhookService>;
  /** Every log line the service wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Every log line the in-test bridge wrote, parsed (empty without `webhooks: true`). */
  bridgeLogs: Record<string, unknown>[];
  /** "http://127.0.0.1:<port>/metrics", when started with `metrics: true`. */
  metricsUrl: string | undefined;
  /** Stops everything, then checkLogs(). */
  stop(): Promise<void>;
  /** The last log scan (lines written after the last test) and the end of the captures; for tests that stop the stack their own way. */
  checkLogs(): void;
}

export const DEFAULT_TEST_SETTINGS: PaymentsSettings = {
  clientId: "sim_client",
  sdkEnvironment: "sandbox",
  defaultFlavour: "signature",
  signingKeys: [],
  returnUrlOrigins: ["https://shop.example.com"],
  currencies: ["INR"],
  refundSyncDelayMs: 200,
  orderSyncDelayMs: 200,
  syncMaxIntervalMs: 1_000,
  orderSyncMaxAgeMs: 3_600_000,
  idempotencyRetentionMs: 86_400_000,
  idempotencyLockMs: 5_000,
  signedPayloadWindowMs: SIGNED_PAYLOAD_WINDOW_MS,
  implicitCustomers: false,
};

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const key = testSigningKey();
  const sim = await startSimulator({ ...options.sim, port: 0, timeScale: options.timeScale ?? 1e-6 });
  sim.registerMerchantKey(SIGNING_KEY_ID, key.publicKeyPem);
  const database = await openMigratedTestDatabase();
  // Every line the service and the bridge write is scanned (criterion 38): a violation fails the test that wrote it.
  const serviceLogs = captureLogs({ source: "service", secrets: stackSecrets(sim.options.apiKey, key.privateKeyPem) });
  const bridgeLogs = captureLogs({ source: "bridge", secrets: stackSecrets(sim.options.apiKey, key.privateKeyPem) });
  const { sink, logs } = serviceLogs;
  const logger = createLogger("info", sink);
  const auth = options.juspayAuthEnv ? readAuthOrThrow(options.juspayAuthEnv(sim)) : undefined;
  const config = {
    juspay: { baseUrl: sim.url, apiKey: sim.options.apiKey, merchantId: sim.options.merchantId, apiVersion: "2023-06-30", executionStatusPath: options.executionStatusPath ?? DEFAULT_EXECUTION_STATUS_PATH, auth },
    payments: { ...DEFAULT_TEST_SETTINGS, signingKeys: [{ keyId: SIGNING_KEY_ID, privateKeyPem: key.privateKeyPem }], ...options.settings },
    jobs: { enabled: options.jobs ?? true, pollIntervalMs: 50, concurrency: 10 },
  };
  const juspay = options.wrapJuspay?.(new JuspayClient({ baseUrl: sim.url, apiKey: sim.options.apiKey, merchantId: sim.options.merchantId }));
  const service = createService({ config, database: database.database, logger, changePollIntervalMs: 100, juspay });
  const server = await startServer({
    config: { host: "127.0.0.1", port: 0, shutdownGraceMs: 2_000, maxMessageBytes: 256 * 1024, access: testAccess(options.callers ?? [], options.limits, options.tls), connections: options.connections },
    database: database.database,
    logger,
    app: service.app,
    changeFeed: service.changeFeed,
    metrics: service.metrics,
    worker: service.worker,
    workerStaleAfterMs: options.workerStaleAfterMs,
  });
  await service.start();
  const metricsServer: MetricsServer | undefined = options.metrics ? await startMetricsServer(service.metrics, { host: "127.0.0.1", port: 0, logger }) : undefined;
  const checkLogs = () => {
    try {
      serviceLogs.assertClean();
      bridgeLogs.assertClean();
    } finally {
      serviceLogs.close();
      bridgeLogs.close();
    }
  };
  const baseUrl = `http://${server.address.host}:${server.address.port}`;
  const transport = createGrpcTransport({ baseUrl, interceptors: [bearerTokenInterceptor(TEST_TOKEN)] });
  const bridge = options.webhooks ? await startWebhookDelivery(sim, baseUrl, bridgeLogs) : undefined;
  return {
    sim,
    service,
    server,
    bridge,
    database,
    baseUrl,
    transport,
    token: TEST_TOKEN,
    payloads: createClient(PayloadService, transport),
    orders: createClient(OrderService, transport),
    mandates: createClient(MandateService, transport),
    webhooks: createClient(WebhookService, transport),
    logs,
    bridgeLogs: bridgeLogs.logs,
    metricsUrl: metricsServer && `http://${metricsServer.address.host}:${metricsServer.address.port}/metrics`,
    async stop() {
      await bridge?.shutdown(1_000);
      await server.shutdown();
      await service.stop(1_000);
      await metricsServer?.close();
      await sim.close();
      await database.drop();
      checkLogs();
    },
    checkLogs,
  };
}

/** What the stack's logs must never contain, whatever pattern it matches or not. */
function readAuthOrThrow(env: Env): JuspayAuth {
  const problems: string[] = [];
  const auth = readJuspayAuth(new EnvReader(env, problems));
  if (problems.length > 0) throw new ConfigError(problems);
  return auth;
}

function stackSecrets(apiKey: string, privateKeyPem: string): KnownSecret[] {
  const keyBody = privateKeyPem.replace(/-----[^-]+-----|\s/g, "");
  return [
    { label: "Juspay API key", value: apiKey },
    { label: "webhook password", value: TEST_WEBHOOK_CREDENTIALS.password },
    { label: "caller token", value: TEST_TOKEN },
    { label: "signing private key", value: keyBody.slice(100, 160) },
  ];
}

/** The real bridge forwarding to the service at `baseUrl`, and the simulator's webhooks pointed at it. */
async function startWebhookDelivery(sim: Simulator, baseUrl: string, logs: LogCapture): Promise<Bridge> {
  const { username, password } = TEST_WEBHOOK_CREDENTIALS;
  const config = loadBridgeConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    WEBHOOK_USERNAME: username,
    WEBHOOK_PASSWORD: password,
    PAYMENTS_URL: baseUrl,
    PAYMENTS_TOKEN: TEST_TOKEN,
    LOG_LEVEL: "info",
  });
  const bridge = await startBridge(config, { logger: createBridgeLogger(config.logLevel, logs.sink) });
  sim.webhooks.configure({ url: `http://${bridge.address.host}:${bridge.address.port}${WEBHOOK_PATH}`, username, password });
  return bridge;
}

/** Polls `check` until it returns a value other than undefined (or throws after timeoutMs). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
