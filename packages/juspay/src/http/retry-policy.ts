import { JuspayNetworkError, JuspayRateLimitedError, JuspayTimeoutError, JuspayUpstreamUnavailableError, type JuspayError } from "../errors.js";

// When a failed attempt is tried again, and after how long (reliability §3
// criteria 10, 11, 15, 17, 18): capped exponential backoff with full jitter;
// Retry-After honoured up to a cap; never a retry that cannot finish before
// the call's deadline; a retry budget so a failing Juspay sees at most ~10 %
// extra traffic.

/**
 * How a call may be repeated:
 * - `safe`: it only reads (GET, check_status, /v4/order-status).
 * - `idempotent`: it changes state but carries its own idempotency handle, sent
 *   unchanged on every attempt (refund unique_request_id, order id, mandate
 *   execution order id, notification object_reference_id), or sets values
 *   (update order/customer), so a repeat cannot act twice.
 * - `unsafe`: a repeat could act twice or answer misleadingly (revoke, pause,
 *   resume, cancel_recurring_transaction): retried only when Juspay certainly
 *   did not act (connection refused, DNS, 429).
 */
export type RetryMode = "safe" | "idempotent" | "unsafe";

export interface RetryBudgetSettings {
  /** Tokens each call deposits (0.1 → retries ≤ 10 % of calls once the reserve is spent). */
  ratio: number;
  /** Reserve of retries available at start, and the cap of the bucket. */
  minTokens: number;
}

export interface RetrySettings {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** First backoff ceiling; doubles per retry. */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** Longest Retry-After honoured; a longer one fails the call at once with the rate-limited error. */
  maxRetryAfterMs: number;
  /** A retry is started only if at least this much time is left after its delay. */
  minAttemptMs: number;
  budget: RetryBudgetSettings | false;
  /** Jitter source in [0, 1); tests inject a fixed one. */
  random: () => number;
}

export const DEFAULT_RETRY_SETTINGS: RetrySettings = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 5_000,
  minAttemptMs: 100,
  budget: { ratio: 0.1, minTokens: 10 },
  random: Math.random,
};

/** Full jitter: uniform in [0, min(maxDelay, base × 2^(retry-1))]. `retry` counts from 1. */
export function backoffDelay(retry: number, settings: Pick<RetrySettings, "baseDelayMs" | "maxDelayMs" | "random">): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(settings.random() * ceiling);
}

/** Retry-After as delay-seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  if (!/[A-Za-z]/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Whether this error, for a call of this mode, is worth another attempt at all. */
export function isRetryableFor(error: JuspayError, mode: RetryMode): boolean {
  // A 429 means Juspay did not act: safe to repeat for any call.
  if (error instanceof JuspayRateLimitedError) return true;
  // Refused / DNS / connect timeout: nothing reached Juspay.
  if (error instanceof JuspayNetworkError && !error.requestSent) return true;
  if (mode === "unsafe") return false;
  if (error instanceof JuspayUpstreamUnavailableError) return error.retryable && !error.circuitOpen;
  if (error instanceof JuspayTimeoutError) return error.reason === "attempt_timeout";
  return error instanceof JuspayNetworkError;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export interface RetryContext {
  error: JuspayError;
  mode: RetryMode;
  /** Attempts made so far (≥ 1). */
  attempts: number;
  /** Time left before the call's deadline. */
  remainingMs: number;
  settings: RetrySettings;
}

export function decideRetry({ error, mode, attempts, remainingMs, settings }: RetryContext): RetryDecision {
  if (!isRetryableFor(error, mode)) return { retry: false, reason: "not retryable" };
  if (attempts >= settings.maxAttempts) return { retry: false, reason: "attempts exhausted" };
  let delayMs = backoffDelay(attempts, settings);
  if (error instanceof JuspayRateLimitedError && error.retryAfterMs !== null) {
    if (error.retryAfterMs > settings.maxRetryAfterMs) return { retry: false, reason: "Retry-After above the cap" };
    delayMs = error.retryAfterMs;
  }
  if (delayMs + settings.minAttemptMs > remainingMs) return { retry: false, reason: "deadline too close" };
  return { retry: true, delayMs };
}

/**
 * A token bucket of retries: each call deposits `ratio`, each retry takes 1,
 * the bucket holds at most `minTokens` (and starts full). With Juspay failing
 * every call, retries settle at `ratio` × calls.
 */
export class RetryBudget {
  private tokens: number;

  constructor(private readonly settings: RetryBudgetSettings) {
    this.tokens = settings.minTokens;
  }

  onCall(): void {
    this.tokens = Math.min(this.settings.minTokens, this.tokens + this.settings.ratio);
  }

  tryRetry(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number {
    return this.tokens;
  }
}
