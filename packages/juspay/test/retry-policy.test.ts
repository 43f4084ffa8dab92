import { describe, expect, it } from "vitest";
import { JuspayNetworkError, JuspayRateLimitedError, JuspayTimeoutError, JuspayUpstreamUnavailableError, DEFAULT_RETRY_SETTINGS, flattenForm, encodeForm } from "../src/index.js";
import { RetryBudget, backoffDelay, decideRetry, isRetryableFor, parseRetryAfter } from "../src/http/retry-policy.js";
import { UpstreamGuard, UpstreamFailure, CircuitOpen, CircuitBreakers } from "../src/http/circuit-breaker.js";

const base = { operation: "t" };
const settings = { ...DEFAULT_RETRY_SETTINGS, random: () => 0.5 };

describe("retry policy", () => {
  it("backoff is exponential, capped, with full jitter", () => {
    const s = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...s, random: () => 0.999999 }))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelay(3, { ...s, random: () => 0 })).toBe(0);
  });

  it("parses Retry-After", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:58 GMT"))).toBe(2000);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("-1")).toBeNull();
  });

  it("what may be retried, per call mode", () => {
    const upstream = new JuspayUpstreamUnavailableError(base);
    const open = new JuspayUpstreamUnavailableError({ ...base, circuitOpen: true });
    const reset = new JuspayNetworkError({ ...base, code: "ECONNRESET", requestSent: true });
    const refused = new JuspayNetworkError({ ...base, code: "ECONNREFUSED", requestSent: false });
    const attemptTimeout = new JuspayTimeoutError({ ...base, reason: "attempt_timeout" });
    const deadline = new JuspayTimeoutError({ ...base, reason: "deadline" });
    const limited = new JuspayRateLimitedError(base);
    expect([upstream, reset, refused, attemptTimeout, limited].every((e) => isRetryableFor(e, "idempotent"))).toBe(true);
    expect(isRetryableFor(open, "safe")).toBe(false);
    expect(isRetryableFor(deadline, "safe")).toBe(false);
    // Revoke & co: only when Juspay certainly did not act.
    expect([upstream, reset, attemptTimeout].some((e) => isRetryableFor(e, "unsafe"))).toBe(false);
    expect(isRetryableFor(refused, "unsafe")).toBe(true);
    expect(isRetryableFor(limited, "unsafe")).toBe(true);
  });

  it("honours Retry-After up to the cap and within the deadline", () => {
    const limited = (ms: number) => new JuspayRateLimitedError({ ...base, retryAfterMs: ms });
    expect(decideRetry({ error: limited(1000), mode: "safe", attempts: 1, remainingMs: 10_000, settings })).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry({ error: limited(60_000), mode: "safe", attempts: 1, remainingMs: 120_000, settings })).toMatchObject({ retry: false, reason: /cap/ });
    expect(decideRetry({ error: limited(3000), mode: "safe", attempts: 1, remainingMs: 2000, settings })).toMatchObject({ retry: false, reason: /deadline/ });
    expect(decideRetry({ error: new JuspayUpstreamUnavailableError(base), mode: "safe", attempts: 3, remainingMs: 10_000, settings })).toMatchObject({ retry: false, reason: /exhausted/ });
    expect(decideRetry({ error: new JuspayUpstreamUnavailableError(base), mode: "safe", attempts: 1, remainingMs: 150, settings })).toMatchObject({ retry: false, reason: /deadline/ });
  });

  it("the retry budget caps retries at ~10 % of calls once its reserve is spent", () => {
    const budget = new RetryBudget({ ratio: 0.1, minTokens: 10 });
    let retries = 0;
    for (let call = 0; call < 1000; call++) {
      budget.onCall();
      if (budget.tryRetry()) retries++;
    }
    expect(retries).toBeLessThanOrEqual(10 + 100);
    expect(retries).toBeGreaterThanOrEqual(100);
  });
});

describe("circuit breaker guard", () => {
  it("opens after consecutive upstream failures, fails fast, half-opens after the delay and closes on success", async () => {
    const guard = new UpstreamGuard({ kind: "consecutive", threshold: 2, halfOpenAfterMs: 50 });
    const fail = () => guard.run(async () => Promise.reject(new UpstreamFailure("x")));
    await expect(fail()).rejects.toBeInstanceOf(UpstreamFailure);
    await expect(fail()).rejects.toBeInstanceOf(UpstreamFailure);
    expect(guard.state).toBe("open");
    let ran = false;
    await expect(guard.run(async () => (ran = true))).rejects.toBeInstanceOf(CircuitOpen);
    expect(ran).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    await expect(guard.run(async () => "ok")).resolves.toBe("ok");
    expect(guard.state).toBe("closed");
  });

  it("is shared per base URL", () => {
    const registry = new CircuitBreakers();
    const a = registry.forBaseUrl("https://sandbox.juspay.in/", { kind: "off" });
    expect(registry.forBaseUrl("https://sandbox.juspay.in", { kind: "off" })).toBe(a);
    expect(registry.forBaseUrl("https://api.juspay.in", { kind: "off" })).not.toBe(a);
  });
});

describe("form encoding", () => {
  it("flattens nested keys with dots and writes booleans as true/false", () => {
    const fields = flattenForm({ order: { order_id: "o1", amount: "1.00", metadata: { webhook_url: "https://x/y" } }, options: { get_client_auth_token: true }, redirect: false, n: 5, skip: undefined, none: null });
    expect(fields).toEqual({ "order.order_id": "o1", "order.amount": "1.00", "order.metadata.webhook_url": "https://x/y", "options.get_client_auth_token": "true", redirect: "false", n: "5" });
    expect(encodeForm(fields)).toBe("order.order_id=o1&order.amount=1.00&order.metadata.webhook_url=https%3A%2F%2Fx%2Fy&options.get_client_auth_token=true&redirect=false&n=5");
  });
});
