import { Writable } from "node:stream";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { openTestDatabase, type TestDatabase } from "./test-database.js";

export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  /** "http://127.0.0.1:<port>" */
  baseUrl: string;
  /** "127.0.0.1:<port>" for grpc-js. */
  address: string;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The real server on a real socket (a free port), over a migrated test database. */
export async function startTestServer(): Promise<TestServer> {
  const database = await openTestDatabase();
  await migrateToLatest(database.database.db);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await startServer({
    config: { host: "127.0.0.1", port: 0, shutdownGraceMs: 2_000, maxMessageBytes: 256 * 1024 },
    database: database.database,
    logger: createLogger("info", sink),
  });
  const address = `${server.address.host}:${server.address.port}`;
  return {
    server,
    database,
    baseUrl: `http://${address}`,
    address,
    logs,
    async stop() {
      await server.shutdown();
      await database.drop();
    },
  };
}
