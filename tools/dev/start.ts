// `npm start`: brings up the local stack with embedded defaults and prints
// where each part listens. Every part runs as its own process (as in
// production), with its output prefixed by its name. Ctrl-C stops them all
// gracefully. Environment variables set by the caller override the defaults.
import { spawn, type ChildProcess } from "node:child_process";
import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { callersEnv, devCallers, tokenOf, tokenWithScope } from "./dev-callers.js";
import { supportedNode } from "./node-runtime.js";

// Refuses a Node older than the project supports before anything starts.
const runtime = supportedNode();

const root = fileURLToPath(new URL("../..", import.meta.url));
const env = (name: string, fallback: string) => process.env[name] ?? fallback;

const host = env("HOST", "127.0.0.1");
const port = env("PORT", "50051");
const serviceUrl = `http://${host}:${port}`;
const simPort = env("JUSPAY_SIM_PORT", "8090");
const simUrl = `http://127.0.0.1:${simPort}`;
const simApiKey = "sim_test_api_key";
const simMerchant = "sim_merchant";
// The bridge's port is fixed before anything starts: the simulator is told
// where to deliver webhooks at its start, and delivers with Juspay's retries
// until the bridge (started last, as it needs the service) answers.
const bridgePort = env("BRIDGE_PORT", "8080");
const bridgeUrl = `http://127.0.0.1:${bridgePort}`;
const webhookUrl = `${bridgeUrl}/webhooks/juspay`;
const webhookUsername = env("WEBHOOK_USERNAME", "juspay_dev");
const webhookPasswordFile = join(root, ".data", "dev-webhook-password");

/** The caller's WEBHOOK_PASSWORD, or a development one generated once into .data/ (owner-only). Never printed. */
function devWebhookPassword(): string {
  const given = process.env.WEBHOOK_PASSWORD;
  if (given !== undefined) return given;
  if (!existsSync(webhookPasswordFile)) {
    mkdirSync(join(root, ".data"), { recursive: true });
    writeFileSync(webhookPasswordFile, randomBytes(24).toString("base64url"), { mode: 0o600 });
  }
  chmodSync(webhookPasswordFile, 0o600);
  return readFileSync(webhookPasswordFile, "utf8").trim();
}
const webhookPassword = devWebhookPassword();

const callers = devCallers(join(root, ".data", "dev-callers.json"));
/** `-H "authorization: Bearer …"` of a development caller holding the scope, for the command lines printed below. */
const bearer = (scope: string) => `-H "authorization: Bearer ${tokenWithScope(callers, scope)}"`;

// A development signing key for signature-flavour payloads: generated once,
// kept in .data/ (owner-only), its public half registered with the simulator
// as Juspay's dashboard would hold it. Never a production key.
const signingKeyFile = join(root, ".data", "dev-signing-key.pem");
const signingKeyId = "dev_key_1";

function devSigningKeyPem(): string {
  if (!existsSync(signingKeyFile)) {
    mkdirSync(join(root, ".data"), { recursive: true });
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(signingKeyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  chmodSync(signingKeyFile, 0o600);
  return readFileSync(signingKeyFile, "utf8");
}

/** The private key the service will sign with: the caller's (inline or file) or the development one. */
function effectiveSigningKeyPem(): string {
  const inline = process.env.JUSPAY_SIGNING_KEY;
  if (inline !== undefined) return inline.replace(/\\n/g, "\n");
  const file = process.env.JUSPAY_SIGNING_KEY_FILE;
  return file !== undefined ? readFileSync(file, "utf8") : devSigningKeyPem();
}

/** Registers the signing key's public half with the simulator (which plays the SDK and checks signatures). */
async function registerSigningKey(): Promise<boolean> {
  let publicKeyPem: string;
  try {
    publicKeyPem = createPublicKey(effectiveSigningKeyPem()).export({ type: "spki", format: "pem" }).toString();
  } catch {
    // Never echo the key or the reason (OpenSSL messages may quote it).
    process.stdout.write("[juspay-sim] the signing key cannot be read as a PEM private key\n");
    return false;
  }
  const res = await fetch(`${simUrl}/__admin/merchant-keys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ keyId: env("JUSPAY_SIGNING_KEY_ID", signingKeyId), publicKeyPem }),
  }).catch(() => undefined);
  return res?.ok === true;
}

interface Part {
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** Resolves once the part answers. */
  ready: () => Promise<boolean>;
  /** Runs once the part is ready, before the next one starts; false stops the stack. */
  afterReady?: () => Promise<boolean>;
  describe: string[];
}

const parts: Part[] = [
  {
    name: "juspay-sim",
    entry: "tools/juspay-sim/src/main.ts",
    // The simulator takes the webhook password only as an argument: a development secret, visible to `ps` on this machine.
    args: [
      ...["--port", simPort, "--api-key", simApiKey, "--merchant-id", simMerchant, "--state-file", ".data/juspay-sim.json"],
      ...["--webhook-url", webhookUrl, "--webhook-username", webhookUsername, "--webhook-password", webhookPassword],
    ],
    env: {},
    ready: async () => (await fetch(`${simUrl}/__admin/health`).catch(() => undefined))?.ok === true,
    afterReady: registerSigningKey,
    describe: [
      `Juspay API (simulated) on ${simUrl}  (API key ${simApiKey}, merchant ${simMerchant})`,
      `admin:   curl -s ${simUrl}/__admin/counters   # faults, clock, webhooks: tools/juspay-sim/README.md`,
      `webhooks: POSTed to ${webhookUrl} as ${webhookUsername} (password: ${process.env.WEBHOOK_PASSWORD === undefined ? ".data/dev-webhook-password" : "WEBHOOK_PASSWORD"})`,
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
      ...(process.env.CALLERS_FILE === undefined && { CALLERS: env("CALLERS", callersEnv(callers)) }),
      JUSPAY_BASE_URL: env("JUSPAY_BASE_URL", simUrl),
      JUSPAY_API_KEY: env("JUSPAY_API_KEY", simApiKey),
      JUSPAY_MERCHANT_ID: env("JUSPAY_MERCHANT_ID", simMerchant),
      JUSPAY_CLIENT_ID: env("JUSPAY_CLIENT_ID", "sim_client"),
      // The development key (see devSigningKeyPem); an inline JUSPAY_SIGNING_KEY from the caller wins.
      ...(process.env.JUSPAY_SIGNING_KEY === undefined && {
        JUSPAY_SIGNING_KEY_FILE: env("JUSPAY_SIGNING_KEY_FILE", signingKeyFile),
        JUSPAY_SIGNING_KEY_ID: env("JUSPAY_SIGNING_KEY_ID", signingKeyId),
      }),
      RETURN_URL_ALLOWED_ORIGINS: env("RETURN_URL_ALLOWED_ORIGINS", "https://shop.example.com"),
      // Quicker syncs than production's minute, so the demo's refund settles in seconds.
      REFUND_SYNC_DELAY_MS: env("REFUND_SYNC_DELAY_MS", "3000"),
      ORDER_SYNC_DELAY_MS: env("ORDER_SYNC_DELAY_MS", "10000"),
    },
    ready: () => healthy(serviceUrl),
    describe: [
      `gRPC, gRPC-Web and Connect on ${serviceUrl}`,
      `database: ${process.env.DATABASE_URL ? "DATABASE_URL" : `PGlite in ${env("PGLITE_DATA_DIR", ".data/pglite")}`}`,
      `health:  curl -s -H 'content-type: application/json' -d '{}' ${serviceUrl}/grpc.health.v1.Health/Check`,
      `payload: curl -s -H 'content-type: application/json' ${bearer("payloads.write")} -d '{"idempotencyKey":"demo-key-1","orderId":"ord1","amount":{"amountMinor":"10000","currency":"INR"},"customerId":"c1"}' ${serviceUrl}/payments.v1.PayloadService/CreateProcessPayload`,
      `a call:  curl -s -H 'content-type: application/json' ${bearer("orders.read")} -d '{"orderId":"ord1"}' ${serviceUrl}/payments.v1.OrderService/GetOrderStatus`,
      ...metricsLine(),
      `SDK:     POST its payloadJson to ${simUrl}/sdk/process as {"process_payload": <payloadJson>}`,
      `signing: key ${process.env.JUSPAY_SIGNING_KEY === undefined ? `${env("JUSPAY_SIGNING_KEY_ID", signingKeyId)} from ${env("JUSPAY_SIGNING_KEY_FILE", signingKeyFile)}` : "from JUSPAY_SIGNING_KEY"}; return URLs from ${env("RETURN_URL_ALLOWED_ORIGINS", "https://shop.example.com")}`,
      // Reflection requests carry only --reflect-header (-H goes with the RPC itself); without it buf asks for a BSR login.
      `gRPC:    npx buf curl --protocol grpc --http2-prior-knowledge ${bearer("reflection.read")} --reflect-header "authorization: Bearer ${tokenWithScope(callers, "reflection.read")}" --list-services ${serviceUrl}`,
      `webhook events: curl -s -H 'content-type: application/json' ${bearer("webhooks.admin")} -d '{"pageSize":5}' ${serviceUrl}/payments.v1.WebhookService/ListWebhookEvents`,
      `demo:    npm run demo   # in another terminal: a payment, a refund and a mandate with a debit, step by step`,
    ],
  },
  {
    name: "webhook-bridge",
    entry: "services/webhook-bridge/src/main.ts",
    env: {
      HOST: "127.0.0.1",
      PORT: bridgePort,
      WEBHOOK_USERNAME: webhookUsername,
      WEBHOOK_PASSWORD: webhookPassword,
      PAYMENTS_URL: serviceUrl,
      PAYMENTS_TOKEN: env("PAYMENTS_TOKEN", tokenOf(callers, "dev-bridge")),
    },
    ready: async () => (await fetch(`${bridgeUrl}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined))?.ok === true,
    describe: [
      `Juspay webhooks on ${webhookUrl}  (Basic auth ${webhookUsername}; forwarded to ${serviceUrl})`,
      `health:  curl -s ${bridgeUrl}/healthz`,
    ],
  },
];

/** Where the service's Prometheus endpoint listens (its own port, no token), unless METRICS_PORT=off. */
function metricsLine(): string[] {
  const metricsPort = env("METRICS_PORT", "9464");
  if (metricsPort.toLowerCase() === "off" || metricsPort === "0") return [];
  return [`metrics: curl -s http://${env("METRICS_HOST", "127.0.0.1")}:${metricsPort}/metrics`];
}

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

const children: { name: string; process: ChildProcess }[] = [];
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
      ({ process: child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  // A part that did not stop cleanly (killed, or exiting non-zero) makes the stop unclean: say which.
  const unclean = children.filter(({ process: child }) => child.exitCode !== 0);
  for (const { name, process: child } of unclean) process.stdout.write(`[${name}] did not stop cleanly (${child.signalCode ?? `code ${child.exitCode}`})\n`);
  process.exit(unclean.length > 0 ? 1 : exitCode);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

for (const part of parts) {
  children.push({ name: part.name, process: launch(part) });
  const started = Date.now();
  while (!(await part.ready())) {
    if (stopping) break;
    if (Date.now() - started > 60_000) {
      process.stdout.write(`[${part.name}] not ready after 60 s\n`);
      await stop(1);
    }
    await sleep(250);
  }
  if (!stopping && part.afterReady && !(await part.afterReady())) {
    process.stdout.write(`[${part.name}] setup after start failed\n`);
    await stop(1);
  }
}

if (!stopping) {
  process.stdout.write(`\nThe stack is up (${runtime}):\n`);
  for (const part of parts) {
    process.stdout.write(`\n  ${part.name}\n${part.describe.map((line) => `    ${line}`).join("\n")}\n`);
  }
  process.stdout.write(
    "\n  PayloadService, OrderService, MandateService and WebhookService work (try `npm run demo`).\n",
  );
  process.stdout.write("\n  Development callers (every RPC but health needs `authorization: Bearer <token>`; from .data/dev-callers.json):\n");
  for (const caller of callers) process.stdout.write(`    ${caller.id.padEnd(12)} ${caller.token}  ${caller.role}; scopes ${caller.scopes.join(", ")}\n`);
  process.stdout.write("\nCtrl-C stops everything.\n");
}
