import { tryDecode } from "../decode/decode.js";
import { ErrorBodySchema } from "../decode/schemas/error-body.js";
import {
  JuspayAuthenticationError,
  JuspayAuthorizationError,
  JuspayDuplicateError,
  JuspayInvalidRequestError,
  JuspayNetworkError,
  JuspayNotFoundError,
  JuspayRateLimitedError,
  JuspayUpstreamUnavailableError,
  type JuspayError,
  type JuspayErrorInit,
} from "../errors.js";
import { redactText } from "../redact.js";
import { parseRetryAfter } from "./retry-policy.js";

// The one place that maps what came back (or the way the connection failed)
// to an error class: by HTTP status first, then by Juspay's error code.

/** Juspay's codes for "this id is already used / in flight" (reference §1.5, §1.6). */
const DUPLICATE_CODES = new Set(["duplicate.call", "duplicate_request", "duplicate_order_id", "already_exists"]);
/** Juspay's codes for "no such thing" (it answers an unknown order with HTTP 400). */
const NOT_FOUND_CODES = new Set(["not_found", "resource_not_found"]);

export interface ResponseContext {
  operation: string;
  method: string;
  /** Redacted request path. */
  path: string;
  secrets: readonly string[];
}

export interface ErrorFields {
  errorCode: string | null;
  errorMessage: string | null;
  juspayStatus: string | null;
  juspayStatusId: number | null;
  codes: string[];
  init: Pick<JuspayErrorInit, "errorCode" | "errorMessage" | "juspayStatus" | "juspayStatusId" | "errorInfo">;
}

/** Juspay's error fields from a parsed body (any of its shapes), redacted. */
export function errorFieldsOf(body: unknown, secrets: readonly string[]): ErrorFields {
  const decoded = body !== null && typeof body === "object" && !Array.isArray(body) ? tryDecode(ErrorBodySchema, body) : null;
  if (!decoded?.ok) {
    return { errorCode: null, errorMessage: null, juspayStatus: null, juspayStatusId: null, codes: [], init: {} };
  }
  const e = decoded.value;
  const clean = (text: string | null) => (text === null ? null : redactText(text, secrets).slice(0, 500));
  const errorInfo = e.errorInfo
    ? {
        ...e.errorInfo,
        userMessage: clean(e.errorInfo.userMessage),
        developerMessage: clean(e.errorInfo.developerMessage),
      }
    : null;
  const errorCode = clean(e.errorCode);
  const errorMessage = clean(e.errorMessage);
  const juspayStatus = clean(e.status);
  const codes = [e.errorCode, e.status, e.errorInfo?.code].filter((c): c is string => typeof c === "string").map((c) => c.toLowerCase());
  return {
    errorCode,
    errorMessage,
    juspayStatus,
    juspayStatusId: e.statusId,
    codes,
    init: { errorCode, errorMessage, juspayStatus, juspayStatusId: e.statusId, errorInfo },
  };
}

/** Parses text as JSON; undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The error for a non-2xx answer. */
export function errorFromResponse(
  ctx: ResponseContext,
  status: number,
  body: unknown,
  headers: { get(name: string): string | null },
): JuspayError {
  const fields = errorFieldsOf(body, ctx.secrets);
  const init: JuspayErrorInit = {
    operation: ctx.operation,
    method: ctx.method,
    path: ctx.path,
    httpStatus: status,
    responseId: headers.get("x-response-id"),
    ...fields.init,
  };
  const isJson = body !== undefined;
  if (status >= 500) return new JuspayUpstreamUnavailableError({ ...init, htmlBody: !isJson });
  if (status === 429) return new JuspayRateLimitedError({ ...init, retryAfterMs: parseRetryAfter(headers.get("retry-after")) });
  if (status === 401) return new JuspayAuthenticationError(init);
  if (status === 403) return new JuspayAuthorizationError(init);
  if (status >= 400) {
    if (fields.codes.some((c) => DUPLICATE_CODES.has(c))) return new JuspayDuplicateError(init);
    if (status === 404 || fields.codes.some((c) => NOT_FOUND_CODES.has(c))) return new JuspayNotFoundError(init);
    return new JuspayInvalidRequestError(init);
  }
  // 1xx/3xx (redirects are not followed): a misrouted base URL, not a transient failure.
  return new JuspayUpstreamUnavailableError({ ...init, htmlBody: !isJson, retryable: false });
}

/** Connection-phase failures: nothing reached Juspay. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

/** The most specific error code in a fetch failure's cause chain (undici nests them). */
export function networkCodeOf(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const record = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof record.code === "string") return record.code;
    if (Array.isArray(record.errors)) {
      const inner = record.errors.map(networkCodeOf).find((c) => c !== null);
      if (inner) return inner;
    }
    current = record.cause;
  }
  return null;
}

/**
 * The error for a connection failure. `afterHeaders`: the response had
 * started (a reset mid-body), so the request certainly reached Juspay.
 */
export function errorFromNetworkFailure(ctx: ResponseContext, err: unknown, afterHeaders: boolean, httpStatus: number | null): JuspayNetworkError {
  const code = networkCodeOf(err);
  const requestSent = afterHeaders || code === null || !NOT_SENT_CODES.has(code);
  return new JuspayNetworkError({
    operation: ctx.operation,
    method: ctx.method,
    path: ctx.path,
    httpStatus,
    code,
    requestSent,
  });
}
