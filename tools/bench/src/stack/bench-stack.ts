import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBenchDatabase, type BenchDatabase } from "./bench-database.js";
import { startStackProcess, type StackProcess } from "./child-process.js";

// The real stack for a benchmark run: the Juspay simulator, the payments
// service and the webhook bridge, each its own process, on a fresh database.
// The service and the bridge run their compiled build (`tsc -b`, as the image
// does) with production defaults; what differs is listed in BENCH_SERVICE_ENV
// with the reason, and printed in the report.

export const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));

const SIM_API_KEY = "sim_bench_api_key";
const SIM_MERCHANT = "sim_bench_merchant";
const SIGNING_KEY_ID = "bench_key_1";

/** The service's settings that differ from production defaults, each with why. */
export const BENCH_SERVICE_ENV: Record<string, { value: string; why: string }> = {
  ORDER_SYNC_DELAY_MS: { value: "86400000", why: "the follow-up syncs each new order enqueues would otherwise run (against the simulator) during later benchmarks; they are still written" },
  REFUND_SYNC_DELAY_MS: { value: "86400000", why: "likewise for refunds" },
};

export interface BenchStack {
  readonly database: BenchDatabase;
  /** host:port of the service's one port (gRPC, gRPC-Web, Connect). */
  readonly serviceAddress: string;
  readonly servicePid: number;
  readonly metricsUrl: string;
  readonly simUrl: string;
  readonly simApiKey: string;
  readonly simMerchantId: string;
  /** http://host:port/webhooks/juspay on the bridge, and its Basic credentials. */
  readonly webhookUrl: string;
  readonly webhookAuthorization: string;
  /** A caller with every scope but webhook ingestion, and a quota no benchmark reaches. */
  readonly token: string;
  /** Where each process's output went. */
  readonly logDir: string;
  stop(): Promise<void>;
}

const addressOf = (lines: readonly string[], pattern: RegExp, key: string): string => {
  const line = lines.find((l) => pattern.test(l));
  const address = line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>)[key];
  if (typeof address !== "string") throw new Error(`no ${key} in the startup output`);
  return address;
};

export async function startBenchStack(runDir: string): Promise<BenchStack> {
  const logDir = join(runDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const started: StackProcess[] = [];
  const database = await createBenchDatabase();
  try {
    const sim = await startStackProcess({
      name: "juspay-sim",
      args: ["--import", "tsx", "tools/juspay-sim/src/main.ts", "--port", "0", "--api-key", SIM_API_KEY, "--merchant-id", SIM_MERCHANT],
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "" },
      ready: /juspay-sim listening on/,
      logFile: join(logDir, "juspay-sim.log"),
    });
    started.push(sim);
    const simUrl = /juspay-sim listening on (\S+)/.exec(sim.startupLines.at(-1)!)![1]!;

    const signingKeyFile = join(runDir, "signing-key.pem");
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(signingKeyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    const registered = await fetch(`${simUrl}/__admin/merchant-keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keyId: SIGNING_KEY_ID, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() }),
    });
    if (!registered.ok) throw new Error(`the simulator refused the signing key (${registered.status})`);

    const token = `bench_${randomBytes(18).toString("base64url")}`;
    const bridgeToken = `bench_bridge_${randomBytes(18).toString("base64url")}`;
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const unlimited = { per_second: 1_000_000, burst: 1_000_000 };
    const callers = {
      callers: [
        { id: "bench-backend", scopes: ["payloads.write", "orders.read", "orders.write", "refunds.write", "mandates.read", "mandates.write", "webhooks.admin", "events.read"], token_sha256: [sha256(token)], rate_limit: unlimited },
        { id: "bench-bridge", scopes: ["webhooks.ingest"], token_sha256: [sha256(bridgeToken)], rate_limit: unlimited },
      ],
    };
    // BENCH_CPU_PROF=1: the service writes a V8 CPU profile when it stops (summarize it with `npm run bench:profile -- <file>`).
    const profileArgs = process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${join(runDir, "profiles")}`] : [];
    const service = await startStackProcess({
      name: "payments",
      args: [...profileArgs, "--enable-source-maps", "dist/main.js"],
      cwd: join(repoRoot, "services/payments"),
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        METRICS_PORT: "0",
        DATABASE_URL: database.url,
        CALLERS: JSON.stringify(callers),
        JUSPAY_BASE_URL: simUrl,
        JUSPAY_API_KEY: SIM_API_KEY,
        JUSPAY_MERCHANT_ID: SIM_MERCHANT,
        JUSPAY_CLIENT_ID: "sim_bench_client",
        JUSPAY_SIGNING_KEY_FILE: signingKeyFile,
        JUSPAY_SIGNING_KEY_ID: SIGNING_KEY_ID,
        RETURN_URL_ALLOWED_ORIGINS: "https://shop.example.com",
        ...Object.fromEntries(Object.entries(BENCH_SERVICE_ENV).map(([name, { value }]) => [name, value])),
      },
      ready: /payments service listening/,
      logFile: join(logDir, "payments.log"),
    });
    started.push(service);
    const serviceAddress = addressOf(service.startupLines, /payments service listening/, "address");
    const metricsAddress = addressOf(service.startupLines, /metrics served/, "metricsAddress");

    const webhookPassword = randomBytes(18).toString("base64url");
    const bridge = await startStackProcess({
      name: "webhook-bridge",
      args: ["--enable-source-maps", "dist/main.js"],
      cwd: join(repoRoot, "services/webhook-bridge"),
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        WEBHOOK_USERNAME: "bench",
        WEBHOOK_PASSWORD: webhookPassword,
        PAYMENTS_URL: `http://${serviceAddress}`,
        PAYMENTS_TOKEN: bridgeToken,
      },
      ready: /webhook bridge listening/,
      logFile: join(logDir, "webhook-bridge.log"),
    });
    started.push(bridge);
    const bridgeAddress = addressOf(bridge.startupLines, /webhook bridge listening/, "address");

    return {
      database,
      serviceAddress,
      servicePid: service.pid,
      metricsUrl: `http://${metricsAddress}/metrics`,
      simUrl,
      simApiKey: SIM_API_KEY,
      simMerchantId: SIM_MERCHANT,
      webhookUrl: `http://${bridgeAddress}/webhooks/juspay`,
      webhookAuthorization: `Basic ${Buffer.from(`bench:${webhookPassword}`).toString("base64")}`,
      token,
      logDir,
      async stop() {
        for (const part of started.reverse()) await part.stop();
        await database.drop();
      },
    };
  } catch (err) {
    for (const part of started.reverse()) await part.stop();
    await database.drop();
    throw err;
  }
}
