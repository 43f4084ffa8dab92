import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryBundle } from "./helpers/entry-bundle.js";
import { followProcessOutput } from "./helpers/process-output.js";
import { testCallersEnv } from "./helpers/test-callers.js";
import { openEmptyPglite } from "./helpers/database-templates.js";
import { openTestDatabase, postgresUrlOf, realPostgresUrl, type TestDatabase } from "./helpers/test-database.js";

// The migration entry point (the Kubernetes migration Job) and
// MIGRATE_ON_START=false (the Deployment), as processes: replicas refuse a
// schema behind their code, the Job applies it with nothing but database
// settings, and then replicas start without migrating (ADR 0014).

const serviceDir = fileURLToPath(new URL("..", import.meta.url));
const serviceEnv = {
  HOST: "127.0.0.1",
  PORT: "0",
  METRICS_PORT: "off",
  JUSPAY_BASE_URL: "http://127.0.0.1:8090",
  JUSPAY_API_KEY: "sim_test_api_key",
  JUSPAY_MERCHANT_ID: "sim_merchant",
  JUSPAY_CLIENT_ID: "sim_client",
  CALLERS: testCallersEnv(),
  JOBS_ENABLED: "false",
  SHUTDOWN_GRACE_MS: "2000",
};

interface Run {
  lines: string[];
  exited: Promise<number | null>;
  kill(): void;
}

/** The entry points bundled (entry-bundle.ts): this file starts six processes. */
const bundles: Record<string, string> = {};

function run(entry: string, env: Record<string, string>): Run {
  const fullEnv = { PATH: process.env.PATH ?? "", ...env };
  const child = spawn(process.execPath, [bundles[entry]!], { cwd: serviceDir, env: fullEnv });
  // Its output is scanned like every test's logs (criterion 38).
  const { lines, closed: exited } = followProcessOutput(child, `${path.basename(entry)} process`, fullEnv);
  return { lines, exited, kill: () => child.kill("SIGTERM") };
}

async function eventually(lines: string[], pattern: RegExp, exited: Promise<number | null>): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const until = Date.now() + 30_000;
  while (!lines.some((l) => pattern.test(l))) {
    if (done || Date.now() > until) throw new Error(`no line matching ${pattern} in:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let test: TestDatabase | undefined;
let pgliteDir: string | undefined;
/** The database both processes share: the test's PostgreSQL database, or a PGlite folder. */
let databaseEnv: Record<string, string>;

beforeAll(async () => {
  for (const entry of ["src/main.ts", "src/migrate-main.ts"]) bundles[entry] = await entryBundle(path.join(serviceDir, entry));
  if (realPostgresUrl() === undefined) {
    // A folder as initdb leaves it (copied, not run again in the first process): no migration applied.
    pgliteDir = await mkdtemp(path.join(tmpdir(), "migrate-main-"));
    await (await openEmptyPglite(pgliteDir)).close();
    databaseEnv = { PGLITE_DATA_DIR: pgliteDir };
  } else {
    test = await openTestDatabase();
    await test.database.close();
    databaseEnv = { DATABASE_URL: postgresUrlOf(test) };
  }
});
afterAll(async () => {
  await test?.drop();
  if (pgliteDir !== undefined) await rm(pgliteDir, { recursive: true, force: true });
});

describe("migrations outside the service's start", () => {
  it("a replica with MIGRATE_ON_START=false refuses an unmigrated database, naming the pending migrations", async () => {
    const service = run("src/main.ts", { ...serviceEnv, ...databaseEnv, MIGRATE_ON_START: "false" });
    expect(await service.exited).toBe(1);
    const output = service.lines.join("\n");
    expect(output).toContain("database schema is behind this build: 0001_orders, 0002_jobs");
    expect(output).not.toContain("listening");
  }, 60_000);

  it("migrate-main applies every migration with only the database settings, then finds none", async () => {
    const first = run("src/migrate-main.ts", databaseEnv);
    expect(await first.exited).toBe(0);
    expect(first.lines.join("\n")).toMatch(/"applied":\["0001_orders","0002_jobs",.*"msg":"migrations done"/);

    const again = run("src/migrate-main.ts", databaseEnv);
    expect(await again.exited).toBe(0);
    const output = again.lines.join("\n");
    expect(output).toContain("schema already at the latest migration");
    expect(output).toContain('"applied":[]');
  }, 60_000);

  it("then the replica starts without migrating, and stops cleanly", async () => {
    const service = run("src/main.ts", { ...serviceEnv, ...databaseEnv, MIGRATE_ON_START: "false" });
    await eventually(service.lines, /payments service listening/, service.exited);
    expect(service.lines.join("\n")).toMatch(/"applied":\[\].*"msg":"database ready"/);
    service.kill();
    expect(await service.exited).toBe(0);
  }, 60_000);

  it("migrate-main refuses a bad configuration by name (exit 78) without echoing it", async () => {
    const bad = run("src/migrate-main.ts", { PAYMENTS_ENV: "production", DATABASE_URL: "mysql://u:topsecret@db/x" }); // secretlint-disable-line -- a fake credential: the test checks it is never echoed
    expect(await bad.exited).toBe(78);
    const output = bad.lines.join("\n");
    expect(output).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
    expect(output).not.toContain("topsecret");
    const noDatabase = run("src/migrate-main.ts", { PAYMENTS_ENV: "production" });
    expect(await noDatabase.exited).toBe(78);
    expect(noDatabase.lines.join("\n")).toContain("DATABASE_URL: required when PAYMENTS_ENV=production");
  }, 60_000);
});
