import { ConfigError, EnvReader, type Env } from "@payments/env-config";

// Bridge configuration, read once from the environment and validated as a
// whole: every bad value is reported with its variable name, so a bad
// deployment fails with one clear message. Secret values (passwords, the
// required header's value, the service token) are never echoed back.

export interface Credential {
  username: string;
  password: string;
}

export interface RequiredHeader {
  /** Lower-case header name. */
  name: string;
  value: string;
}

export interface BridgeConfig {
  host: string;
  port: number;
  /** Accepted Basic-auth pairs; more than one during a rotation. */
  credentials: Credential[];
  requiredHeader: RequiredHeader | undefined;
  /** Base URL of the payments service (gRPC over h2c or TLS). */
  paymentsUrl: string;
  /** Service credential sent as `authorization: Bearer …`; unset = none. */
  paymentsToken: string | undefined;
  forwardTimeoutMs: number;
  /** Largest webhook body accepted, and so stored (the service takes at most 256 KiB). */
  maxBodyBytes: number;
  /** Webhooks per second per source (client address), sustained and in a burst; perSecond 0 = no limit. */
  rateLimit: { perSecond: number; burst: number };
  /** Time a client has to send all request headers. */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request. */
  requestTimeoutMs: number;
  /** Longest pause between two body chunks. */
  bodyIdleTimeoutMs: number;
  /** Sent with 503 so Juspay waits before re-sending. */
  retryAfterSeconds: number;
  shutdownGraceMs: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export { ConfigError } from "@payments/env-config";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const MAX_BODY_BYTES = 256 * 1024;
// Juspay's webhooks are a few KiB; every accepted body is stored, so the default keeps a forged one small.
const DEFAULT_BODY_BYTES = 64 * 1024;
// RFC 7230 token: what a header name may be.
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/;
// Headers the bridge handles itself; requiring one of them makes no sense.
const RESERVED_HEADERS = new Set(["authorization", "content-type", "content-length", "host", "connection", "transfer-encoding"]);

/** Parses and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): BridgeConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const host = read.optional("HOST") ?? "127.0.0.1";
  const port = read.integer("PORT", 8080, 0, 65535);
  const credentials = readCredentials(read);
  const requiredHeader = readRequiredHeader(read);
  const paymentsUrl = read.url("PAYMENTS_URL", "http://127.0.0.1:50051", "use PAYMENTS_TOKEN");
  const paymentsToken = read.optional("PAYMENTS_TOKEN");
  if (paymentsToken !== undefined && !/^[\x21-\x7e]{1,4096}$/.test(paymentsToken)) {
    read.problem("PAYMENTS_TOKEN", "must be 1-4096 printable ASCII characters without spaces");
  }
  const forwardTimeoutMs = read.integer("FORWARD_TIMEOUT_MS", 5_000, 100, 60_000);
  const maxBodyBytes = read.integer("MAX_BODY_BYTES", DEFAULT_BODY_BYTES, 1_024, MAX_BODY_BYTES);
  const rateLimit = { perSecond: read.integer("RATE_LIMIT_PER_SECOND", 50, 0, 100_000), burst: read.integer("RATE_LIMIT_BURST", 200, 1, 1_000_000) };
  const headersTimeoutMs = read.integer("HEADERS_TIMEOUT_MS", 10_000, 100, 120_000);
  const requestTimeoutMs = read.integer("REQUEST_TIMEOUT_MS", 30_000, 100, 300_000);
  // Node refuses a headers timeout longer than the request timeout.
  if (headersTimeoutMs > requestTimeoutMs) read.problem("HEADERS_TIMEOUT_MS", "must not exceed REQUEST_TIMEOUT_MS");
  const bodyIdleTimeoutMs = read.integer("BODY_IDLE_TIMEOUT_MS", 5_000, 50, 120_000);
  const retryAfterSeconds = read.integer("RETRY_AFTER_SECONDS", 30, 1, 3_600);
  const shutdownGraceMs = read.integer("SHUTDOWN_GRACE_MS", 10_000, 0, 600_000);
  const logLevel = read.oneOf("LOG_LEVEL", LOG_LEVELS, "info");

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host, port, credentials, requiredHeader, paymentsUrl, paymentsToken, forwardTimeoutMs, maxBodyBytes, rateLimit,
    headersTimeoutMs, requestTimeoutMs, bodyIdleTimeoutMs, retryAfterSeconds, shutdownGraceMs, logLevel,
  };
}

/** WEBHOOK_USERNAME/WEBHOOK_PASSWORD plus WEBHOOK_CREDENTIALS ("user:password,user2:password2"). */
function readCredentials(read: EnvReader): Credential[] {
  const credentials: Credential[] = [];
  const username = read.optional("WEBHOOK_USERNAME");
  const password = read.optional("WEBHOOK_PASSWORD");
  if (username !== undefined && password === undefined) read.problem("WEBHOOK_PASSWORD", "is required with WEBHOOK_USERNAME (the value is a secret: set it from your secret store)");
  if (password !== undefined && username === undefined) read.problem("WEBHOOK_USERNAME", "is required with WEBHOOK_PASSWORD");
  if (username !== undefined && password !== undefined) {
    if (validPair("WEBHOOK_USERNAME", "WEBHOOK_PASSWORD", username, password, read)) credentials.push({ username, password });
  }
  const list = read.optional("WEBHOOK_CREDENTIALS");
  if (list !== undefined) {
    list.split(",").map((s) => s.trim()).forEach((item, i) => {
      const colon = item.indexOf(":");
      // Name the position only: the item holds a password.
      if (colon <= 0 || colon === item.length - 1) {
        read.problem("WEBHOOK_CREDENTIALS", `item ${i + 1} must be user:password`);
        return;
      }
      const pair = { username: item.slice(0, colon), password: item.slice(colon + 1) };
      const where = `WEBHOOK_CREDENTIALS item ${i + 1}`;
      if (validPair(where, where, pair.username, pair.password, read)) credentials.push(pair);
    });
  }
  if (credentials.length === 0 && username === undefined && password === undefined && list === undefined) {
    read.problem("WEBHOOK_USERNAME", "is required (with WEBHOOK_PASSWORD), or set WEBHOOK_CREDENTIALS: the bridge never accepts unauthenticated webhooks");
  }
  return credentials;
}

function validPair(userWhere: string, passwordWhere: string, username: string, password: string, read: EnvReader): boolean {
  // Basic auth cannot carry a colon in the user name; control characters would not survive a header.
  if (username.includes(":") || hasControlChars(username)) {
    read.problem(userWhere, "user name must not contain ':' or control characters");
    return false;
  }
  if (hasControlChars(password) || password.length < 8) {
    read.problem(passwordWhere, "password must be at least 8 characters without control characters");
    return false;
  }
  return true;
}

/** WEBHOOK_REQUIRED_HEADER = "Name: value", a shared secret set in Juspay's dashboard. */
function readRequiredHeader(read: EnvReader): RequiredHeader | undefined {
  const raw = read.optional("WEBHOOK_REQUIRED_HEADER");
  if (raw === undefined) return undefined;
  const colon = raw.indexOf(":");
  const name = colon > 0 ? raw.slice(0, colon).trim().toLowerCase() : "";
  const value = colon > 0 ? raw.slice(colon + 1).trim() : "";
  if (!TOKEN.test(name) || value === "" || hasControlChars(value)) {
    read.problem("WEBHOOK_REQUIRED_HEADER", "must be \"Name: value\" with a valid header name and a non-empty value");
    return undefined;
  }
  if (RESERVED_HEADERS.has(name)) {
    read.problem("WEBHOOK_REQUIRED_HEADER", `cannot use the ${name} header`);
    return undefined;
  }
  return { name, value };
}

function hasControlChars(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

