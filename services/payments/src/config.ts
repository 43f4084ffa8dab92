import { readFileSync } from "node:fs";
import { ConfigError, EnvReader, type Env } from "@payments/env-config";
import { DEFAULT_EXECUTION_STATUS_PATH, DEFAULT_SDK_LANGUAGE, currencyDecimals } from "@payments/juspay";
import { readJuspayAuth, type JuspayAuth } from "./juspay-auth-config.js";
import { readSessionReuse, type SessionReuseSettings } from "./session-reuse-config.js";
import { readAccess, type AccessConfig } from "./auth/access-config.js";

// Service configuration, read once from the environment at start and validated
// as a whole: every bad value is reported with its variable name, so a
// misconfigured deployment fails with one clear message instead of a crash
// later. Secret values are never echoed back.

export type DatabaseConfig =
  | ({ kind: "postgres"; url: string; poolSize: number } & Partial<DatabaseTimeouts>)
  | { kind: "pglite"; dataDir: string | undefined };

/** The pg pool's limits (ADR 0016); 0 for the two server-side ones leaves the server's setting. */
export interface DatabaseTimeouts {
  /** Longest wait for a pool connection (a free one or a new one) before the call fails UNAVAILABLE. */
  acquireTimeoutMs: number;
  /** statement_timeout on every connection: a statement running longer is cancelled. */
  statementTimeoutMs: number;
  /** idle_in_transaction_session_timeout on every connection: a transaction left idle this long is ended. */
  idleInTransactionTimeoutMs: number;
}

/** Used for any timeout left unset, also by configs built in code (tests). */
export const DATABASE_TIMEOUT_DEFAULTS: DatabaseTimeouts = {
  acquireTimeoutMs: 2_000,
  statementTimeoutMs: 15_000,
  idleInTransactionTimeoutMs: 30_000,
};

export interface JuspayConfig {
  baseUrl: string;
  apiKey: string;
  merchantId: string;
  apiVersion: string;
  /** Path of the mandate execution status read, with {order_id} (ADR 0013). */
  executionStatusPath: string;
  /** Calls to Juspay in flight at once from one process; more wait, then are refused unsent (criterion 40). Optional: default 64. */
  maxConcurrency?: number;
  /** JUSPAY_AUTH: Basic everywhere (default) or JWE/JWS on the /v4 routes. Optional: default basic. */
  auth?: JuspayAuth;
}

export type PayloadFlavour = "signature" | "session";


/** Settings of the payments use cases (orders, refunds, payloads, background sync). */
export interface PaymentsSettings {
  /** Juspay's payment_page_client_id, put in SDK payloads. */
  clientId: string;
  /** HyperSDK environment in payloads. */
  sdkEnvironment: "sandbox" | "production";
  /** `language` of signed process payloads (Juspay's sample: "english"); unset = the builder's default, "english". */
  sdkLanguage?: string;
  /** Process payload flavour when the request does not choose one. */
  defaultFlavour: PayloadFlavour;
  /** RSA keys for signed payloads: the active one signs; empty when none is configured. */
  signingKeys: { keyId: string; privateKeyPem: string; active?: boolean }[];
  /** Exact https origins a return_url may point to. */
  returnUrlOrigins: string[];
  /** ISO 4217 codes a request's Money may carry (money.proto: only INR unless configured). */
  currencies: string[];
  /** First refund sync after a refund is written (a webhook usually comes first). */
  refundSyncDelayMs: number;
  /** First order sync after a payload is handed out or a payment is seen pending. */
  orderSyncDelayMs: number;
  /** Sync intervals double from the first delay up to this. */
  syncMaxIntervalMs: number;
  /** Orders not paid after this long are no longer polled (webhooks still apply). */
  orderSyncMaxAgeMs: number;
  /** Idempotency keys are kept this long: completed ones from creation, abandoned in-flight ones from their lock's expiry (refund keys never expire: they live on the refund row). */
  idempotencyRetentionMs: number;
  /** An in-flight key whose process died is taken over after this long. */
  idempotencyLockMs: number;
  /**
   * How long after signing Juspay may still accept a signed process payload
   * (its timestamp window plus clock skew; ADR 0025): UpdateOrder refuses an
   * amount change until then.
   */
  signedPayloadWindowMs: number;
  /** Second SESSION-flavour calls for an order (SESSION_REUSE_DEFAULTS when unset). */
  sessionReuse?: SessionReuseSettings;
  /**
   * The Juspay account creates customers implicitly from an order's customer
   * fields ("needs Juspay internal enablement"). False: the service creates
   * the Juspay customer (Create Customer) before a customer's first mandate.
   */
  implicitCustomers: boolean;
}

/** Juspay's window for signed payloads is undocumented (reference §3.6): the 15 minutes of its other signed tokens, plus 1 minute of clock skew. */
export const SIGNED_PAYLOAD_WINDOW_MS = 16 * 60_000;
/** What CreateProcessPayload promises an app (expire_time): a shorter window would let an amount change through while a payload is still offered. */
const MIN_SIGNED_PAYLOAD_WINDOW_MS = 15 * 60_000;

export interface JobsConfig {
  enabled: boolean;
  pollIntervalMs: number;
  concurrency: number;
  /** A job's handler is aborted after this long. */
  timeoutMs?: number;
  /** A running job whose worker stopped renewing its lock this long ago (its process died) is run again. */
  rescueAfterMs?: number;
}

/** Where GET /metrics is served (its own port, apart from the RPCs). */
export interface MetricsConfig {
  host: string;
  /** 0 picks a free port; null when METRICS_PORT=off (no metrics server). */
  port: number | null;
}

export const DEFAULT_METRICS_PORT = 9464;

export interface Config {
  mode: "development" | "production";
  host: string;
  port: number;
  database: DatabaseConfig;
  juspay: JuspayConfig;
  payments: PaymentsSettings;
  jobs: JobsConfig;
  shutdownGraceMs: number;
  /** Largest request message accepted, in bytes; larger ones get RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Callers, their tokens and scopes; admission limits. */
  access: AccessConfig;
  metrics: MetricsConfig;
  /** MIGRATE_ON_START: migrate at start (unset = true); false only checks none is pending, the migration Job runs them (ADR 0014). */
  migrateOnStart?: boolean;
  /** Timeouts and the connection cap of the RPC port (ADR 0023); CONNECTION_LIMIT_DEFAULTS when unset (configs built in code). */
  connections?: ConnectionLimits;
}

export { ConfigError } from "@payments/env-config";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Parses and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const mode = read.oneOf("PAYMENTS_ENV", ["development", "production"] as const, "development");
  const host = read.string("HOST", "127.0.0.1");
  const port = read.integer("PORT", 50051, 0, 65535);
  const database = readDatabase(read);
  const juspay: JuspayConfig = {
    baseUrl: read.url("JUSPAY_BASE_URL"),
    apiKey: read.secret("JUSPAY_API_KEY"),
    merchantId: read.pattern("JUSPAY_MERCHANT_ID", /^[A-Za-z0-9_.-]{1,64}$/, "1-64 characters from A-Z a-z 0-9 _ . -"),
    apiVersion: read.pattern("JUSPAY_API_VERSION", /^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD", "2023-06-30"),
    executionStatusPath: read.pattern(
      "JUSPAY_EXECUTION_STATUS_PATH",
      /^\/[A-Za-z0-9/_.-]*\{order_id\}[A-Za-z0-9/_.-]*$/,
      "a path starting with / that contains {order_id}",
      DEFAULT_EXECUTION_STATUS_PATH,
    ),
    maxConcurrency: read.integer("JUSPAY_MAX_CONCURRENCY", 64, 1, 10_000),
    auth: readJuspayAuth(read),
  };
  const payments = readPayments(read, mode);
  const jobTimeoutMs = read.integer("JOBS_TIMEOUT_MS", 60_000, 1_000, 3_600_000);
  const jobRescueAfterMs = read.integer("JOBS_RESCUE_AFTER_MS", 30_000, 300, 24 * 3_600_000);
  const jobs: JobsConfig = {
    enabled: read.oneOf("JOBS_ENABLED", ["true", "false"] as const, "true") === "true",
    pollIntervalMs: read.integer("JOBS_POLL_INTERVAL_MS", 1_000, 10, 60_000),
    concurrency: read.integer("JOBS_CONCURRENCY", 10, 1, 100),
    timeoutMs: jobTimeoutMs,
    rescueAfterMs: jobRescueAfterMs,
  };
  const shutdownGraceMs = read.integer("SHUTDOWN_GRACE_MS", 10_000, 0, 600_000);
  const maxMessageBytes = read.integer("MAX_MESSAGE_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024);
  const logLevel = read.oneOf("LOG_LEVEL", LOG_LEVELS, "info");
  const access = readAccess(read);
  const migrateOnStart = read.oneOf("MIGRATE_ON_START", ["true", "false"] as const, "true") === "true";
  const metrics = readMetrics(read, port);
  const connections = readConnectionLimits(read);

  if (mode === "production" && database.kind === "pglite") {
    problems.push("DATABASE_URL: required when PAYMENTS_ENV=production (the embedded PGlite database is for development only)");
  }
  if (mode === "production") refuseDevelopmentJuspay(read, juspay);
  if (problems.length > 0) throw new ConfigError(problems);
  return { mode, host, port, database, juspay, payments, jobs, shutdownGraceMs, maxMessageBytes, logLevel, access, metrics, migrateOnStart, connections };
}

/** What the migration entry point needs: the database alone, so the migration Job holds no Juspay secret or callers. */
export interface MigrationConfig {
  database: DatabaseConfig;
  logLevel: Config["logLevel"];
}

/** The database settings through the same readers as loadConfig; throws ConfigError listing every problem. */
export function loadMigrationConfig(env: Env = process.env): MigrationConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const mode = read.oneOf("PAYMENTS_ENV", ["development", "production"] as const, "development");
  const database = readDatabase(read);
  const logLevel = read.oneOf("LOG_LEVEL", LOG_LEVELS, "info");
  if (mode === "production" && database.kind === "pglite") {
    problems.push("DATABASE_URL: required when PAYMENTS_ENV=production (the embedded PGlite database is for development only)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { database, logLevel };
}

const HOUR_MS = 3_600_000;

/** How long a connection to the RPC port may take, or sit idle, and how many may be open (ADR 0023). */
export interface ConnectionLimits {
  /** The protocol sniff (or TLS handshake), then each request's headers (HTTP/2: a session's first stream), must arrive within this. */
  headersTimeoutMs: number;
  /** A request's headers and body must have arrived within this of its start; responses (server streams) are not bounded by it. */
  requestTimeoutMs: number;
  /** A connection with no request in flight (HTTP/1.1 keep-alive, an HTTP/2 session with no open stream) is closed after this. */
  idleTimeoutMs: number;
  /** HTTP/2 sessions are pinged this often (TCP keep-alive probes start after it too); a ping unanswered by the next one closes the session. */
  keepAliveIntervalMs: number;
  /** Connections open at once; beyond it new ones are closed as they arrive. */
  maxConnections: number;
}

export const CONNECTION_LIMIT_DEFAULTS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Above the 60 s idle timeout of common load balancers, so they close first.
  idleTimeoutMs: 65_000,
  keepAliveIntervalMs: 30_000,
  maxConnections: 2_000,
};

function readConnectionLimits(read: EnvReader): ConnectionLimits {
  const d = CONNECTION_LIMIT_DEFAULTS;
  const limits: ConnectionLimits = {
    headersTimeoutMs: read.integer("RPC_HEADERS_TIMEOUT_MS", d.headersTimeoutMs, 100, 600_000),
    requestTimeoutMs: read.integer("RPC_REQUEST_TIMEOUT_MS", d.requestTimeoutMs, 100, HOUR_MS),
    idleTimeoutMs: read.integer("RPC_IDLE_TIMEOUT_MS", d.idleTimeoutMs, 100, HOUR_MS),
    keepAliveIntervalMs: read.integer("RPC_KEEPALIVE_INTERVAL_MS", d.keepAliveIntervalMs, 100, HOUR_MS),
    maxConnections: read.integer("RPC_MAX_CONNECTIONS", d.maxConnections, 1, 1_000_000),
  };
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) read.problem("RPC_REQUEST_TIMEOUT_MS", "must be at least RPC_HEADERS_TIMEOUT_MS (a request's headers are part of it)");
  return limits;
}

function readMetrics(read: EnvReader, rpcPort: number): MetricsConfig {
  const host = read.string("METRICS_HOST", "127.0.0.1");
  if (read.optional("METRICS_PORT")?.toLowerCase() === "off") return { host, port: null };
  // PORT=0 asks for free ports (tests, several instances on one host): the
  // metrics port follows, so such instances never collide on the default.
  const port = read.integer("METRICS_PORT", rpcPort === 0 ? 0 : DEFAULT_METRICS_PORT, 0, 65535);
  if (port !== 0 && port === rpcPort) read.problem("METRICS_PORT", "must differ from PORT (metrics are served on their own port), or be off");
  return { host, port };
}

/** In production, Juspay must be Juspay: not the simulator, not a loopback address, not a sandbox-looking key. */
function refuseDevelopmentJuspay(read: EnvReader, juspay: JuspayConfig): void {
  let host: string;
  try {
    host = new URL(juspay.baseUrl).hostname;
  } catch {
    return; // already reported as a bad URL
  }
  if (host === "localhost" || host === "[::1]" || /^127\./.test(host) || !juspay.baseUrl.startsWith("https://")) {
    read.problem("JUSPAY_BASE_URL", "must be Juspay's https API in production, not a local address or the simulator");
  }
  if (/^(sim_|test_|dummy)/i.test(juspay.apiKey)) read.problem("JUSPAY_API_KEY", "looks like a simulator or test key; production needs the live key");
}

function readPayments(read: EnvReader, mode: Config["mode"]): PaymentsSettings {
  const defaultFlavour = read.oneOf("PAYLOAD_FLAVOUR", ["signature", "session"] as const, "signature");
  const signingKeys = readSigningKeys(read);
  if (defaultFlavour === "signature" && signingKeys.length === 0 && mode === "production") {
    read.problem("JUSPAY_SIGNING_KEY", "is required when PAYLOAD_FLAVOUR=signature in production (or set JUSPAY_SIGNING_KEY_FILE)");
  }
  return {
    clientId: read.pattern("JUSPAY_CLIENT_ID", /^[A-Za-z0-9_.-]{1,64}$/, "1-64 characters from A-Z a-z 0-9 _ . -"),
    sdkEnvironment: read.oneOf("JUSPAY_SDK_ENVIRONMENT", ["sandbox", "production"] as const, mode === "production" ? "production" : "sandbox"),
    sdkLanguage: read.pattern("JUSPAY_SDK_LANGUAGE", /^[a-z]{1,32}$/, "lower-case letters, e.g. english", DEFAULT_SDK_LANGUAGE),
    defaultFlavour,
    signingKeys,
    returnUrlOrigins: readOrigins(read, "RETURN_URL_ALLOWED_ORIGINS"),
    currencies: readCurrencies(read, "ENABLED_CURRENCIES"),
    refundSyncDelayMs: read.integer("REFUND_SYNC_DELAY_MS", 60_000, 0, 24 * HOUR_MS),
    orderSyncDelayMs: read.integer("ORDER_SYNC_DELAY_MS", 60_000, 0, 24 * HOUR_MS),
    syncMaxIntervalMs: read.integer("SYNC_MAX_INTERVAL_MS", HOUR_MS, 100, 24 * HOUR_MS),
    orderSyncMaxAgeMs: read.integer("ORDER_SYNC_MAX_AGE_MS", 48 * HOUR_MS, 1_000, 30 * 24 * HOUR_MS),
    idempotencyRetentionMs: read.integer("IDEMPOTENCY_RETENTION_MS", 24 * HOUR_MS, 60_000, 365 * 24 * HOUR_MS),
    idempotencyLockMs: read.integer("IDEMPOTENCY_LOCK_MS", 60_000, 1_000, HOUR_MS),
    signedPayloadWindowMs: read.integer("JUSPAY_SIGNED_PAYLOAD_WINDOW_MS", SIGNED_PAYLOAD_WINDOW_MS, MIN_SIGNED_PAYLOAD_WINDOW_MS, 24 * HOUR_MS),
    sessionReuse: readSessionReuse(read),
    implicitCustomers: read.oneOf("JUSPAY_IMPLICIT_CUSTOMERS", ["true", "false"] as const, "false") === "true",
  };
}

/** One key from JUSPAY_SIGNING_KEY (PEM text) or JUSPAY_SIGNING_KEY_FILE, with JUSPAY_SIGNING_KEY_ID. */
function readSigningKeys(read: EnvReader): PaymentsSettings["signingKeys"] {
  const inline = read.optional("JUSPAY_SIGNING_KEY");
  const file = read.optional("JUSPAY_SIGNING_KEY_FILE");
  if (inline === undefined && file === undefined) return [];
  if (inline !== undefined && file !== undefined) {
    read.problem("JUSPAY_SIGNING_KEY_FILE", "set either JUSPAY_SIGNING_KEY or JUSPAY_SIGNING_KEY_FILE, not both");
    return [];
  }
  const keyId = read.pattern("JUSPAY_SIGNING_KEY_ID", /^[\x21-\x7e]{1,128}$/, "the dashboard's merchantKeyId (printable ASCII)");
  let privateKeyPem = inline?.replace(/\\n/g, "\n") ?? "";
  if (file !== undefined) {
    try {
      privateKeyPem = readFileSync(file, "utf8");
    } catch {
      read.problem("JUSPAY_SIGNING_KEY_FILE", "cannot be read");
    }
  }
  if (privateKeyPem !== "" && !privateKeyPem.includes("PRIVATE KEY-----")) {
    read.problem(file !== undefined ? "JUSPAY_SIGNING_KEY_FILE" : "JUSPAY_SIGNING_KEY", "must hold a PEM private key");
  }
  return [{ keyId, privateKeyPem }];
}

/** A comma-separated list of exact https origins (no path, no credentials, no IP literals or localhost). */
function readOrigins(read: EnvReader, name: string): string[] {
  const raw = read.optional(name);
  if (raw === undefined) return [];
  const origins: string[] = [];
  for (const item of raw.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      // reported below
    }
    const host = url?.hostname ?? "";
    if (!url || url.protocol !== "https:" || url.username || url.password || (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
      read.problem(name, `"${item}" must be an https origin like https://shop.example.com`);
    } else if (host === "localhost" || /^[\d.]+$/.test(host) || host.startsWith("[")) {
      read.problem(name, `"${item}" must name a host, not an IP address or localhost`);
    } else {
      origins.push(url.origin);
    }
  }
  return origins;
}

/** Comma-separated ISO 4217 codes with at most 2 decimals (Juspay's amounts); default INR alone. */
function readCurrencies(read: EnvReader, name: string): string[] {
  const raw = read.optional(name);
  if (raw === undefined) return ["INR"];
  const codes = [...new Set(raw.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
  for (const code of codes) {
    try {
      currencyDecimals(code, name);
    } catch {
      read.problem(name, `"${code}" must be an ISO 4217 code of 3 upper-case letters with at most 2 decimals`);
    }
  }
  if (codes.length === 0) read.problem(name, "must name at least one currency");
  return codes;
}

function readDatabase(read: EnvReader): DatabaseConfig {
  const url = read.optional("DATABASE_URL");
  if (url === undefined) {
    const dataDir = read.string("PGLITE_DATA_DIR", ".data/pglite");
    // "memory" gives a throwaway in-process database (tests, demos).
    return { kind: "pglite", dataDir: dataDir === "memory" ? undefined : dataDir };
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")) {
    read.problem("DATABASE_URL", "must be a postgres:// or postgresql:// URL");
  }
  return {
    kind: "postgres",
    url,
    poolSize: read.integer("DATABASE_POOL_SIZE", 10, 1, 500),
    // Unset stays undefined: openDatabase applies DATABASE_TIMEOUT_DEFAULTS.
    acquireTimeoutMs: optionalInteger(read, "DATABASE_ACQUIRE_TIMEOUT_MS", 100, 60_000),
    statementTimeoutMs: optionalInteger(read, "DATABASE_STATEMENT_TIMEOUT_MS", 0, HOUR_MS),
    idleInTransactionTimeoutMs: optionalInteger(read, "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 0, HOUR_MS),
  };
}

function optionalInteger(read: EnvReader, name: string, min: number, max: number): number | undefined {
  // The fallback only stands in for a value reported as a problem.
  return read.optional(name) === undefined ? undefined : read.integer(name, min, min, max);
}
