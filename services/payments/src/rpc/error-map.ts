import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { JuspayRateLimitedError, JuspayTimeoutError, isJuspayError, type JuspayError, type JuspayErrorKind } from "@payments/juspay";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { AppError, type AppErrorKind } from "../app/errors.js";

// The one table from the service's errors to gRPC codes. Use-case errors
// (AppError) carry their reason; Juspay's errors map by kind. Juspay declines
// are not here: a failed payment or refund is a status in a response.

const APP_CODES: Record<AppErrorKind, Code> = {
  invalid_argument: Code.InvalidArgument,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  failed_precondition: Code.FailedPrecondition,
  aborted: Code.Aborted,
  unavailable: Code.Unavailable,
  deadline_exceeded: Code.DeadlineExceeded,
  resource_exhausted: Code.ResourceExhausted,
  internal: Code.Internal,
};

interface JuspayMapping {
  code: Code;
  reason: ErrorReason;
  message: string;
}

/** Juspay's error kinds, as a caller of this service should see them. */
export const JUSPAY_ERROR_TABLE: Record<JuspayErrorKind, JuspayMapping> = {
  invalid_request: { code: Code.FailedPrecondition, reason: ErrorReason.JUSPAY_REJECTED, message: "Juspay rejected the request" },
  not_found: { code: Code.NotFound, reason: ErrorReason.NOT_FOUND, message: "Juspay does not know it" },
  duplicate: { code: Code.AlreadyExists, reason: ErrorReason.ID_ALREADY_USED, message: "Juspay already has this id" },
  // Our credentials or setup, not the caller's request: nothing the caller can fix by retrying.
  authentication: { code: Code.Internal, reason: ErrorReason.JUSPAY_AUTH_FAILED, message: "the service could not authenticate to Juspay" },
  authorization: { code: Code.Internal, reason: ErrorReason.JUSPAY_AUTH_FAILED, message: "the service is not allowed to do this at Juspay" },
  config: { code: Code.Internal, reason: ErrorReason.INTERNAL, message: "the service's Juspay client is misconfigured" },
  rate_limited: { code: Code.Unavailable, reason: ErrorReason.RATE_LIMITED, message: "Juspay is rate limiting us" },
  upstream_unavailable: { code: Code.Unavailable, reason: ErrorReason.JUSPAY_UNAVAILABLE, message: "Juspay is unavailable" },
  network: { code: Code.Unavailable, reason: ErrorReason.JUSPAY_UNAVAILABLE, message: "Juspay could not be reached" },
  decode: { code: Code.Unavailable, reason: ErrorReason.JUSPAY_UNAVAILABLE, message: "Juspay answered something unreadable" },
  timeout: { code: Code.Unavailable, reason: ErrorReason.JUSPAY_TIMEOUT, message: "Juspay did not answer in time" },
};

/**
 * Node and pg errors that mean the database is unreachable, restarting or
 * saturated: the pool's acquire timeout ("timeout exceeded when trying to
 * connect", "Connection terminated due to connection timeout"), statement_timeout
 * (57014), idle_in_transaction_session_timeout (25P03) and a query on a client
 * whose connection already died ("not queryable") included (ADR 0016).
 */
const DATABASE_DOWN =
  /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|terminating connection|encountered a connection error and is not queryable|the database system is (starting up|shutting down)/;
const DATABASE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "57014", "25P03", "08000", "08003", "08006", "08001", "08004", "53300"]);

/** The ConnectError for an error thrown by a handler, or undefined when it is a bug (answered INTERNAL). */
export function toConnectError(err: unknown): ConnectError | undefined {
  if (err instanceof ConnectError) return err;
  if (err instanceof AppError) return fromAppError(err);
  if (isJuspayError(err)) return fromJuspayError(err);
  if (isDatabaseDown(err)) {
    return connectError(Code.Unavailable, "the database is unavailable: retry later", { reason: ErrorReason.DATABASE_UNAVAILABLE, retryable: true });
  }
  return undefined;
}

function fromAppError(err: AppError): ConnectError {
  const juspay = err.juspay;
  return connectError(APP_CODES[err.kind], err.message, {
    reason: err.reason,
    retryable: err.retryable,
    retryAfterMs: err.retryAfterMs,
    juspayErrorCode: juspay?.errorCode ?? undefined,
    juspayErrorMessage: juspay?.errorMessage ?? undefined,
    fieldViolations: err.violations,
  });
}

function fromJuspayError(err: JuspayError): ConnectError {
  const mapped = JUSPAY_ERROR_TABLE[err.kind];
  // The caller's own deadline or cancellation ended the call.
  const code = err instanceof JuspayTimeoutError && err.reason !== "attempt_timeout" ? Code.DeadlineExceeded : mapped.code;
  const retryAfterMs = err instanceof JuspayRateLimitedError ? err.retryAfterMs : null;
  return connectError(code, `${mapped.message}${err.errorCode ? ` (${err.errorCode})` : ""}`, {
    reason: mapped.reason,
    retryable: err.retryable || mapped.code === Code.Unavailable,
    juspayErrorCode: err.errorCode ?? undefined,
    juspayErrorMessage: err.errorMessage ?? undefined,
    retryAfterMs: retryAfterMs ?? undefined,
  });
}

export function isDatabaseDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && DATABASE_SQLSTATES.has(code)) return true;
  return DATABASE_DOWN.test(err.message) || (typeof code === "string" && DATABASE_DOWN.test(code));
}

interface DetailInit {
  reason: ErrorReason;
  retryable?: boolean;
  retryAfterMs?: number;
  juspayErrorCode?: string;
  juspayErrorMessage?: string;
  fieldViolations?: { field: string; rule: string; description: string }[];
}

function connectError(code: Code, message: string, detail: DetailInit): ConnectError {
  return new ConnectError(message, code, undefined, [
    {
      desc: ErrorDetailSchema,
      value: create(ErrorDetailSchema, {
        reason: detail.reason,
        retryable: detail.retryable ?? false,
        retryAfter: detail.retryAfterMs === undefined ? undefined : durationFromMs(detail.retryAfterMs),
        juspayErrorCode: detail.juspayErrorCode ?? "",
        juspayErrorMessage: detail.juspayErrorMessage ?? "",
        fieldViolations: detail.fieldViolations ?? [],
      }),
    },
  ]);
}
