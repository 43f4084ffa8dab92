import { JuspayConfigError } from "./errors.js";
import { DEFAULT_BREAKER_SETTINGS, sharedCircuitBreakers, type BreakerSettings, type CircuitBreakers } from "./http/circuit-breaker.js";
import { DEFAULT_RETRY_SETTINGS, type RetrySettings } from "./http/retry-policy.js";
import { JweError, parseJweKeys, type JweKeys } from "./jwe/index.js";
import type { JuspayLogger } from "./logger.js";

// The client's configuration: where Juspay is, how to authenticate, and the
// reliability knobs. Validated once; every problem is reported together, by
// name, never with a secret value.

export const JUSPAY_SANDBOX_BASE_URL = "https://sandbox.juspay.in";
export const JUSPAY_PRODUCTION_BASE_URL = "https://api.juspay.in";
/** The `version` header sent unless configured (a date; the answer's shape follows it). */
export const DEFAULT_JUSPAY_API_VERSION = "2023-06-30";
/**
 * Where a mandate debit's status is read; `{order_id}` is replaced. Juspay
 * documents it as plain Order Status (juspay.io/in/docs/ec-api/docs/mandates/mandate-order-status-api).
 * An integration guide's `/txns/v2/orders/{order_id}` appears in no public
 * Juspay source; it stays configurable (a 404 there falls back to Order Status).
 */
export const DEFAULT_EXECUTION_STATUS_PATH = "/orders/{order_id}";
/** The Order Status path template: an execution-status path equal to it is Order Status itself. */
export const ORDER_STATUS_PATH = "/orders/{order_id}";

export interface JuspayClientConfig {
  /** JUSPAY_SANDBOX_BASE_URL, JUSPAY_PRODUCTION_BASE_URL or the simulator's URL. */
  baseUrl: string;
  /** Sent as HTTP Basic `base64(key:)`. Never logged or put in an error. */
  apiKey: string;
  /** Sent as `x-merchantid`; also `merchant_id` on /txns. */
  merchantId: string;
  /** `version` header (YYYY-MM-DD). */
  version?: string;
  /** Per attempt, ms (default 15 000). */
  timeoutMs?: number;
  /** Per call, retries included, when the call gives no deadline (default 30 000). */
  deadlineMs?: number;
  retry?: Partial<RetrySettings>;
  /** Circuit breaker for this base URL (default: sampling, 50 % over ≥ 20 calls in 10 s, probe after 10 s). */
  breaker?: BreakerSettings;
  /** Registry the breaker lives in (default: process-wide, one breaker per base URL). */
  circuitBreakers?: CircuitBreakers;
  /** Path template of the execution-status call; `{order_id}` is replaced. */
  executionStatusPath?: string;
  /** JWE/JWS mode: order status, order refund, session and txns go to Juspay's /v4 routes, encrypted and signed (src/jwe). */
  jwe?: JweKeys;
  logger?: JuspayLogger;
  userAgent?: string;
  /** Largest response body read, bytes (default 4 MiB). */
  maxResponseBytes?: number;
  /** fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
  /** Calls to Juspay in flight at once from this client (default 64); more wait. */
  maxConcurrency?: number;
  /** Calls waiting for a slot (default 256); more are refused at once, unsent. */
  maxWaiting?: number;
}

export interface ResolvedConfig {
  baseUrl: string;
  apiKey: string;
  merchantId: string;
  version: string;
  timeoutMs: number;
  deadlineMs: number;
  retry: RetrySettings;
  breaker: BreakerSettings;
  circuitBreakers: CircuitBreakers;
  executionStatusPath: string;
  jwe: JweKeys | null;
  logger: JuspayLogger | undefined;
  userAgent: string;
  maxResponseBytes: number;
  fetch: typeof fetch;
  maxConcurrency: number;
  maxWaiting: number;
  /** Strings that must never appear in a message or log line. */
  secrets: string[];
}

const HEADER_SAFE = /^[\x21-\x7e]+$/;

function positive(problems: string[], name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number`);
  return value;
}

export function resolveConfig(config: JuspayClientConfig): ResolvedConfig {
  const problems: string[] = [];
  let baseUrl = "";
  try {
    const url = new URL(config.baseUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:") problems.push("baseUrl must be an http(s) URL");
    if (url.username || url.password) problems.push("baseUrl must not carry credentials");
    if (url.search || url.hash) problems.push("baseUrl must not have a query or fragment");
    baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    problems.push("baseUrl must be an absolute URL");
  }
  const apiKey = typeof config.apiKey === "string" ? config.apiKey : "";
  if (apiKey === "") problems.push("apiKey is required");
  else if (!HEADER_SAFE.test(apiKey) || apiKey.includes(":")) problems.push("apiKey must be printable ASCII without spaces or ':'");
  const merchantId = typeof config.merchantId === "string" ? config.merchantId : "";
  if (merchantId === "") problems.push("merchantId is required");
  else if (!HEADER_SAFE.test(merchantId)) problems.push("merchantId must be printable ASCII without spaces");
  const version = config.version ?? DEFAULT_JUSPAY_API_VERSION;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version)) problems.push("version must be a date YYYY-MM-DD");
  const timeoutMs = positive(problems, "timeoutMs", config.timeoutMs, 15_000);
  const deadlineMs = positive(problems, "deadlineMs", config.deadlineMs, 30_000);
  const retry: RetrySettings = { ...DEFAULT_RETRY_SETTINGS, ...config.retry };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) problems.push("retry.maxAttempts must be an integer >= 1");
  for (const key of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs", "minAttemptMs"] as const) {
    if (!Number.isFinite(retry[key]) || retry[key] < 0) problems.push(`retry.${key} must be a number >= 0`);
  }
  if (retry.budget !== false && (!(retry.budget.ratio >= 0) || !(retry.budget.minTokens >= 0))) problems.push("retry.budget ratio and minTokens must be >= 0");
  const breaker = config.breaker ?? DEFAULT_BREAKER_SETTINGS;
  if (breaker.kind === "sampling" && !(breaker.threshold > 0 && breaker.threshold <= 1)) problems.push("breaker.threshold must be in (0, 1]");
  if (breaker.kind === "consecutive" && !(Number.isInteger(breaker.threshold) && breaker.threshold >= 1)) problems.push("breaker.threshold must be an integer >= 1");
  const executionStatusPath = config.executionStatusPath ?? DEFAULT_EXECUTION_STATUS_PATH;
  if (!executionStatusPath.startsWith("/") || !executionStatusPath.includes("{order_id}")) problems.push("executionStatusPath must start with / and contain {order_id}");
  const maxResponseBytes = positive(problems, "maxResponseBytes", config.maxResponseBytes, 4 * 1024 * 1024);
  const maxConcurrency = positive(problems, "maxConcurrency", config.maxConcurrency, 64);
  const maxWaiting = config.maxWaiting ?? 256;
  if (!Number.isInteger(maxWaiting) || maxWaiting < 0) problems.push("maxWaiting must be an integer >= 0");
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") problems.push("fetch is not available");
  if (config.jwe !== undefined) {
    // Read the keys now: a bad key fails at startup, not on the first payment.
    try {
      parseJweKeys(config.jwe);
    } catch (err) {
      problems.push(err instanceof JweError ? `jwe: ${err.message}` : "jwe keys are unreadable");
    }
  }
  if (problems.length > 0) {
    throw new JuspayConfigError({ operation: "config", problems, message: `Juspay client configuration is invalid: ${problems.join("; ")}` });
  }
  return {
    baseUrl,
    apiKey,
    merchantId,
    version,
    timeoutMs,
    deadlineMs,
    retry,
    breaker,
    circuitBreakers: config.circuitBreakers ?? sharedCircuitBreakers,
    executionStatusPath,
    jwe: config.jwe ?? null,
    logger: config.logger,
    userAgent: config.userAgent ?? `payments-juspay/0.1.0 node/${process.versions.node}`,
    maxResponseBytes,
    fetch: fetchImpl,
    maxConcurrency,
    maxWaiting,
    secrets: [apiKey, Buffer.from(`${apiKey}:`).toString("base64"), Buffer.from(apiKey).toString("base64")],
  };
}
