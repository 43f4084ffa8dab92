import type { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { JuspayError } from "@payments/juspay";

// Errors of the use cases, in the service's own words. The rpc layer maps
// them (and Juspay's errors) to gRPC codes in one table (rpc/error-map.ts).
// Messages are safe to show a caller: no secrets, no personal data.

export type AppErrorKind =
  | "invalid_argument"
  | "not_found"
  | "already_exists"
  | "failed_precondition"
  | "aborted"
  | "unavailable"
  | "deadline_exceeded"
  | "resource_exhausted"
  | "internal";

export interface AppErrorOptions {
  retryable?: boolean;
  /** With retryable: the earliest a retry can succeed, in ms from now. */
  retryAfterMs?: number;
  /** The Juspay error behind this one, for its code and message. */
  juspay?: JuspayError;
  /** For invalid_argument: the offending request fields. */
  violations?: { field: string; rule: string; description: string }[];
}

export class AppError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly juspay: JuspayError | undefined;
  readonly violations: { field: string; rule: string; description: string }[];

  constructor(
    readonly kind: AppErrorKind,
    readonly reason: ErrorReason,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = "AppError";
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.juspay = options.juspay;
    this.violations = options.violations ?? [];
  }
}

/** A request field that breaks a rule only the use case can check (e.g. against our row). */
export function fieldError(reason: ErrorReason, field: string, rule: string, description: string): AppError {
  return new AppError("invalid_argument", reason, `invalid request: ${field} ${description}`, { violations: [{ field, rule, description }] });
}
