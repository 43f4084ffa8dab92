import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryBundle } from "./helpers/entry-bundle.js";
import { followProcessOutput } from "./helpers/process-output.js";
import { openTestDatabase, postgresUrlOf, realPostgresUrl, type TestDatabase } from "./helpers/test-database.js";
import { testCallersEnv } from "./helpers/test-callers.js";

// The service as a process, the way it is deployed: configuration errors,
// start-up with migrations, and graceful shutdown on SIGTERM.

const serviceDir = fileURLToPath(new URL("..", import.meta.url));
const baseEnv = {
  PATH: process.env.PATH ?? "",
  HOST: "127.0.0.1",
  PORT: "0",
  JUSPAY_BASE_URL: "http://127.0.0.1:8090",
  CALLERS: testCallersEnv(),
  JUSPAY_API_KEY: "sim_test_api_key",
  JUSPAY_MERCHANT_ID: "sim_merchant",
  JUSPAY_CLIENT_ID: "sim_client",
  SHUTDOWN_GRACE_MS: "5000",
};

/** src/main.ts bundled (entry-bundle.ts). */
let mainBundle: string;
beforeAll(async () => {
  mainBundle = await entryBundle(join(serviceDir, "src/main.ts"));
});

function startService(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; lines: string[]; exited: Promise<number | null> } {
  const fullEnv = { ...baseEnv, ...env };
  const child = spawn(process.execPath, [mainBundle], { cwd: serviceDir, env: fullEnv });
  // Its output is scanned like every test's logs (criterion 38).
  const { lines, closed: exited } = followProcessOutput(child, "payments process", fullEnv);
  return { child, lines, exited };
}

async function waitForLine(lines: string[], pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = lines.find((l) => pattern.test(l));
    if (line) return line;
    if (Date.now() > until) throw new Error(`no line matching ${pattern} in:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function databaseEnv(): Promise<Record<string, string>> {
  if (realPostgresUrl() === undefined) return { PGLITE_DATA_DIR: "memory" };
  const test = await openTestDatabase();
  databases.push(test);
  await test.database.close();
  return { DATABASE_URL: postgresUrlOf(test) };
}

describe("the service process", () => {
  it("refuses to start on bad configuration, naming each problem, without echoing secrets", async () => {
    const { lines, exited } = startService({ PORT: "99999", JUSPAY_API_KEY: "", JUSPAY_BASE_URL: "https://u:topsecret@x" });
    expect(await exited).toBe(78);
    const output = lines.join("\n");
    expect(output).toContain("PORT: must be a whole number from 0 to 65535");
    expect(output).toContain("JUSPAY_API_KEY: is required");
    expect(output).toContain("JUSPAY_BASE_URL: must not contain credentials");
    expect(output).not.toContain("topsecret");
  });

  it("migrates, serves, and on SIGTERM turns NOT_SERVING, drains and exits 0", async () => {
    const { child, lines, exited } = startService(await databaseEnv());
    const listening = await waitForLine(lines, /payments service listening/);
    const { address } = JSON.parse(listening) as { address: string };
    expect(lines.join("\n")).toMatch(/"applied":\["0001_orders"/);

    const health = createClient(Health, createGrpcTransport({ baseUrl: `http://${address}` }));
    const seen: ServingStatus[] = [];
    const watching = (async () => {
      for await (const res of health.watch({})) {
        seen.push(res.status);
        if (seen.length === 1) child.kill("SIGTERM");
      }
    })();
    await watching;
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
    expect(await exited).toBe(0);
    expect(lines.join("\n")).toContain('"msg":"stopped"');
    await expect(health.check({})).rejects.toThrow();
  }, 60_000);
});
