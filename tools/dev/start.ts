// `npm start`: brings up the local stack with embedded defaults and prints
// where each part listens. Every part runs as its own process (as in
// production), with its output prefixed by its name. Ctrl-C stops them all
// gracefully. Environment variables set by the caller override the defaults.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

const root = fileURLToPath(new URL("../..", import.meta.url));
const env = (name: string, fallback: string) => process.env[name] ?? fallback;

const host = env("HOST", "127.0.0.1");
const port = env("PORT", "50051");
const serviceUrl = `http://${host}:${port}`;
const simPort = env("JUSPAY_SIM_PORT", "8090");
const simUrl = `http://127.0.0.1:${simPort}`;
const simApiKey = "sim_test_api_key";
const simMerchant = "sim_merchant";

interface Part {
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** Resolves once the part answers. */
  ready: () => Promise<boolean>;
  describe: string[];
}

const parts: Part[] = [
  {
    name: "juspay-sim",
    entry: "tools/juspay-sim/src/main.ts",
    args: ["--port", simPort, "--api-key", simApiKey, "--merchant-id", simMerchant, "--state-file", ".data/juspay-sim.json"],
    env: {},
    ready: async () => (await fetch(`${simUrl}/__admin/health`).catch(() => undefined))?.ok === true,
    describe: [
      `Juspay API (simulated) on ${simUrl}  (API key ${simApiKey}, merchant ${simMerchant})`,
      `admin:   curl -s ${simUrl}/__admin/counters   (faults, clock, webhooks: tools/juspay-sim/README.md)`,
    ],
  },
  {
    name: "payments",
    entry: "services/payments/src/main.ts",
    env: {
      HOST: host,
      PORT: port,
      PGLITE_DATA_DIR: env("PGLITE_DATA_DIR", ".data/pglite"),
      // The simulator's defaults (tools/juspay-sim); never a real key.
      JUSPAY_BASE_URL: env("JUSPAY_BASE_URL", simUrl),
      JUSPAY_API_KEY: env("JUSPAY_API_KEY", simApiKey),
      JUSPAY_MERCHANT_ID: env("JUSPAY_MERCHANT_ID", simMerchant),
    },
    ready: () => healthy(serviceUrl),
    describe: [
      `gRPC, gRPC-Web and Connect on ${serviceUrl}`,
      `database: ${process.env.DATABASE_URL ? "DATABASE_URL" : `PGlite in ${env("PGLITE_DATA_DIR", ".data/pglite")}`}`,
      `health:  curl -s -H 'content-type: application/json' -d '{}' ${serviceUrl}/grpc.health.v1.Health/Check`,
      `a call:  curl -s -H 'content-type: application/json' -d '{"orderId":"ord1"}' ${serviceUrl}/payments.v1.OrderService/GetOrderStatus`,
      `gRPC:    npx buf curl --protocol grpc --http2-prior-knowledge --list-services ${serviceUrl}`,
    ],
  },
];

/** Health over the Connect protocol (JSON over HTTP/1.1): SERVING or not. */
async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/grpc.health.v1.Health/Check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok && ((await res.json()) as { status?: string }).status === "SERVING";
  } catch {
    return false;
  }
}

const children: ChildProcess[] = [];
let stopping = false;

function launch(part: Part): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@payments/source", part.entry, ...(part.args ?? [])], {
    cwd: root,
    env: { ...process.env, ...part.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on("line", (line) => process.stdout.write(`[${part.name}] ${line}\n`));
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    process.stdout.write(`\n[${part.name}] exited (${signal ?? `code ${code}`}); stopping the stack\n`);
    void stop(1);
  });
  return child;
}

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write("\nstopping…\n");
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  process.exit(exitCode);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

for (const part of parts) {
  children.push(launch(part));
  const started = Date.now();
  while (!(await part.ready())) {
    if (stopping) break;
    if (Date.now() - started > 60_000) {
      process.stdout.write(`[${part.name}] not ready after 60 s\n`);
      await stop(1);
    }
    await sleep(250);
  }
}

if (!stopping) {
  process.stdout.write("\nThe stack is up:\n");
  for (const part of parts) {
    process.stdout.write(`\n  ${part.name}\n${part.describe.map((line) => `    ${line}`).join("\n")}\n`);
  }
  process.stdout.write(
    "\n  not in the stack yet: the webhook bridge.\n" +
      "  payments.v1 RPCs validate their requests, then answer UNIMPLEMENTED until built.\n\nCtrl-C stops everything.\n",
  );
}
