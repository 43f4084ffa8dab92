import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { createService } from "../../src/service.js";
import { DEFAULT_TEST_SETTINGS } from "./stack.js";
import { captureLogs } from "./log-capture.js";
import { TEST_TOKEN, testAccess } from "./test-callers.js";
import { openMigratedTestDatabase, type TestDatabase } from "./test-database.js";

export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  /** "http://127.0.0.1:<port>" */
  baseUrl: string;
  /** "127.0.0.1:<port>" for grpc-js. */
  address: string;
  /** The all-scopes test caller's bearer token. */
  token: string;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The real server on a real socket (a free port), over a migrated test database. */
export async function startTestServer(): Promise<TestServer> {
  const database = await openMigratedTestDatabase();
  const { sink, logs } = captureLogs();
  const logger = createLogger("info", sink);
  // No Juspay behind this server (nothing listens on port 9): tests of the transport and health only.
  const service = createService({
    config: {
      juspay: { baseUrl: "http://127.0.0.1:9", apiKey: "unused_key", merchantId: "unused", apiVersion: "2023-06-30", executionStatusPath: "/txns/v2/orders/{order_id}" },
      payments: DEFAULT_TEST_SETTINGS,
      jobs: { enabled: false, pollIntervalMs: 1_000, concurrency: 1 },
    },
    database: database.database,
    logger,
  });
  const server = await startServer({
    config: { host: "127.0.0.1", port: 0, shutdownGraceMs: 2_000, maxMessageBytes: 256 * 1024, access: testAccess() },
    database: database.database,
    logger,
    app: service.app,
    changeFeed: service.changeFeed,
  });
  const address = `${server.address.host}:${server.address.port}`;
  return {
    server,
    database,
    baseUrl: `http://${address}`,
    address,
    token: TEST_TOKEN,
    logs,
    async stop() {
      await server.shutdown();
      await database.drop();
    },
  };
}
