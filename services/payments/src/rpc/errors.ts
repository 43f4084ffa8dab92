import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { FieldViolation } from "./field-rules.js";

// Every error this service returns carries a payments.v1.ErrorDetail (reason,
// retryable flag, Juspay's code and message, field violations). This module is
// the one place that builds them.

export interface ErrorDetailInit {
  reason: ErrorReason;
  retryable?: boolean;
  juspayErrorCode?: string;
  juspayErrorMessage?: string;
  fieldViolations?: FieldViolation[];
  /** Wait at least this long before retrying (rate limits, overload). */
  retryAfterMs?: number;
}

export function rpcError(code: Code, message: string, detail: ErrorDetailInit): ConnectError {
  return new ConnectError(message, code, undefined, [
    {
      desc: ErrorDetailSchema,
      value: create(ErrorDetailSchema, {
        reason: detail.reason,
        retryable: detail.retryable ?? false,
        juspayErrorCode: detail.juspayErrorCode ?? "",
        juspayErrorMessage: detail.juspayErrorMessage ?? "",
        fieldViolations: detail.fieldViolations ?? [],
        retryAfter: detail.retryAfterMs === undefined ? undefined : durationFromMs(detail.retryAfterMs),
      }),
    },
  ]);
}

export function invalidArgument(violations: FieldViolation[]): ConnectError {
  const summary = violations
    .slice(0, 5)
    .map((v) => `${v.field} ${v.description}`)
    .join("; ");
  const more = violations.length > 5 ? ` (and ${violations.length - 5} more)` : "";
  return rpcError(Code.InvalidArgument, `invalid request: ${summary}${more}`, {
    reason: ErrorReason.INVALID_FIELD,
    fieldViolations: violations,
  });
}

/** The detail a bare ConnectError gets when it reaches the edge without one. */
const DEFAULT_DETAIL: Partial<Record<Code, ErrorDetailInit>> = {
  [Code.InvalidArgument]: { reason: ErrorReason.INVALID_FIELD },
  [Code.NotFound]: { reason: ErrorReason.NOT_FOUND },
  [Code.Unimplemented]: { reason: ErrorReason.NOT_IMPLEMENTED },
  [Code.Unauthenticated]: { reason: ErrorReason.UNAUTHENTICATED },
  [Code.PermissionDenied]: { reason: ErrorReason.PERMISSION_DENIED },
  [Code.ResourceExhausted]: { reason: ErrorReason.OVERLOADED, retryable: true },
  [Code.Unavailable]: { reason: ErrorReason.DATABASE_UNAVAILABLE, retryable: true },
  [Code.Aborted]: { reason: ErrorReason.IDEMPOTENCY_KEY_IN_FLIGHT, retryable: true },
};

function hasErrorDetail(err: ConnectError): boolean {
  return err.findDetails(ErrorDetailSchema).length > 0;
}

/** Adds the default ErrorDetail for the error's code when it has none. */
export function withErrorDetail(err: ConnectError): ConnectError {
  if (hasErrorDetail(err)) return err;
  const detail = DEFAULT_DETAIL[err.code] ?? { reason: ErrorReason.INTERNAL };
  return rpcError(err.code, err.rawMessage, detail);
}
