import { describe, expect, it } from "vitest";
import {
  JuspayAuthenticationError,
  JuspayAuthorizationError,
  JuspayClient,
  JuspayConfigError,
  JuspayDuplicateError,
  JuspayError,
  JuspayInvalidRequestError,
  JuspayNotFoundError,
  JuspayRateLimitedError,
  JuspayUpstreamUnavailableError,
  redactText,
} from "../src/index.js";
import { errorFromNetworkFailure, errorFromResponse, networkCodeOf } from "../src/http/classify.js";

const ctx = { operation: "orders.refund", method: "POST", path: "/orders/o1/refunds", secrets: ["sk_live_SECRET_KEY_123"] };
const headers = (h: Record<string, string> = {}) => new Headers(h);

describe("error classes by HTTP status and Juspay code", () => {
  it.each([
    [400, { status: "Invalid Request", error_code: "bad_request", error_message: "Invalid command" }, JuspayInvalidRequestError],
    [400, { status_id: -1, status: "ERROR", error_code: "invalid.amount.exceeded", error_message: "too much" }, JuspayInvalidRequestError],
    [401, { status: "error", error_code: "access_denied" }, JuspayAuthenticationError],
    [403, { status: "error", error_code: "BAD_ORIGIN" }, JuspayAuthorizationError],
    [404, "<html>not here</html>", JuspayNotFoundError],
    [400, { status: "NOT_FOUND", status_id: 40, error_info: { code: "RESOURCE_NOT_FOUND" } }, JuspayNotFoundError],
    [400, { status_id: -1, status: "ERROR", error_code: "duplicate.call", error_message: "already" }, JuspayDuplicateError],
    [400, { status_id: 40, status: "DUPLICATE_ORDER_ID", error_message: "Order already exists" }, JuspayDuplicateError],
    [409, { error_info: { code: "DUPLICATE_REQUEST" } }, JuspayDuplicateError],
    [400, { status: "Invalid Request", error_code: "ALREADY_EXISTS" }, JuspayDuplicateError],
    [400, { code: "INVALID_REQUEST", type: "INVALID_REQUEST_ERROR", message: "Cancel action not allowed." }, JuspayInvalidRequestError],
    [429, { error_code: "too_many_requests" }, JuspayRateLimitedError],
    [500, { status: "error", error_code: "internal_error" }, JuspayUpstreamUnavailableError],
    [502, "<html><h1>502 Bad Gateway</h1></html>", JuspayUpstreamUnavailableError],
    [503, undefined, JuspayUpstreamUnavailableError],
    [302, undefined, JuspayUpstreamUnavailableError],
  ] as const)("HTTP %s %j → %o", (status, body, cls) => {
    const parsed = typeof body === "string" ? undefined : body;
    const error = errorFromResponse(ctx, status, parsed, headers());
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(JuspayError);
    expect(error.httpStatus).toBe(status);
  });

  it("carries Juspay's code, message, status and error_info", () => {
    const error = errorFromResponse(
      ctx,
      400,
      { status: "ERROR", error_code: "No txn Found", error_message: "No successful txn", error_info: JSON.stringify({ code: "RESOURCE_NOT_FOUND", request_id: "r1", user_message: "u" }) },
      headers({ "x-response-id": "resp-1" }),
    );
    expect(error).toMatchObject({ errorCode: "No txn Found", errorMessage: "No successful txn", juspayStatus: "ERROR", responseId: "resp-1" });
    expect(error.errorInfo).toMatchObject({ code: "RESOURCE_NOT_FOUND", requestId: "r1", userMessage: "u" });
    expect(error.message).toBe("Juspay orders.refund: not found (HTTP 400, error_code=No txn Found, status=ERROR): No successful txn");
  });

  it("reads Retry-After (seconds and HTTP date)", () => {
    const seconds = errorFromResponse(ctx, 429, {}, headers({ "retry-after": "2" })) as JuspayRateLimitedError;
    expect(seconds.retryAfterMs).toBe(2000);
    const date = errorFromResponse(ctx, 429, {}, headers({ "retry-after": new Date(Date.now() + 60_000).toUTCString() })) as JuspayRateLimitedError;
    expect(date.retryAfterMs).toBeGreaterThan(55_000);
    expect(date.retryable).toBe(true);
  });

  it("marks an HTML 5xx as such", () => {
    const error = errorFromResponse(ctx, 502, undefined, headers()) as JuspayUpstreamUnavailableError;
    expect(error.htmlBody).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("non-JSON body");
  });

  it("network failures: refused is not sent, reset is", () => {
    const refused = errorFromNetworkFailure(ctx, new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }), false, null);
    expect(refused).toMatchObject({ kind: "network", code: "ECONNREFUSED", requestSent: false });
    const reset = errorFromNetworkFailure(ctx, new TypeError("terminated", { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }), true, 200);
    expect(reset).toMatchObject({ code: "UND_ERR_SOCKET", requestSent: true, httpStatus: 200 });
    const unknown = errorFromNetworkFailure(ctx, new Error("boom"), false, null);
    expect(unknown.requestSent).toBe(true);
    expect(networkCodeOf(new TypeError("x", { cause: new AggregateError([Object.assign(new Error(), { code: "ECONNREFUSED" })]) }))).toBe("ECONNREFUSED");
  });

  it("the outcome is part of the message once known", () => {
    const error = errorFromResponse(ctx, 502, undefined, headers());
    error.outcome = "unknown";
    error.attempts = 3;
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toMatch(/outcome unknown, 3 attempts/);
    expect(error.toJSON()).toMatchObject({ kind: "upstream_unavailable", outcome: "unknown", attempts: 3, retryable: true });
    expect(error.name).toBe("JuspayUpstreamUnavailableError");
    expect(String(error.stack)).toContain("JuspayUpstreamUnavailableError");
  });
});

describe("nothing secret in errors", () => {
  it("redacts keys, Basic headers, emails, VPAs, phones and card numbers in Juspay's messages", () => {
    const error = errorFromResponse(
      ctx,
      400,
      {
        error_code: "INVALID_INPUT",
        error_message: "key sk_live_SECRET_KEY_123 header Basic c2tfbGl2ZTo= for john.doe@example.com vpa 9999999999@paytm phone +91 98765 43210 card 4242 4242 4242 4242",
      },
      headers(),
    );
    const text = `${error.message} ${JSON.stringify(error)}`;
    for (const secret of ["sk_live_SECRET_KEY_123", "c2tfbGl2ZTo=", "john.doe@example.com", "9999999999", "98765 43210", "4242 4242 4242 4242", "4242424242424242"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("j***@example.com");
    expect(text).toContain("******4242");
  });

  it("redactText masks PII patterns", () => {
    expect(redactText("customer@gmail.com")).toBe("c***@gmail.com");
    expect(redactText("call 9876543210 now")).toBe("call ******3210 now");
    expect(redactText("order ord_42 amount 100.15")).toBe("order ord_42 amount 100.15");
    expect(redactText("Authorization: Basic abc123==")).toBe("Authorization: Basic [REDACTED]");
  });

  it("config errors name the problem, never the value", () => {
    let error: unknown;
    try {
      new JuspayClient({ baseUrl: "ftp://x", apiKey: "has space secret", merchantId: "", version: "today" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JuspayConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/baseUrl must be an http\(s\) URL/);
    expect(message).toMatch(/apiKey must be printable ASCII/);
    expect(message).toMatch(/merchantId is required/);
    expect(message).toMatch(/version must be a date/);
    expect(message).not.toContain("has space secret");
  });

  it("the client never prints its key", () => {
    const client = new JuspayClient({ baseUrl: "https://sandbox.juspay.in", apiKey: "sk_live_SECRET_KEY_123", merchantId: "m1" });
    expect(JSON.stringify(client)).not.toContain("SECRET");
    expect(String((client as unknown as Record<symbol, () => string>)[Symbol.for("nodejs.util.inspect.custom")]!())).not.toContain("SECRET");
  });
});
