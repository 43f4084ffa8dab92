import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import type { Metadata, ServiceError } from "@grpc/grpc-js";
import { ErrorDetailSchema, ErrorReason, type ErrorDetail } from "@payments/proto/payments/v1/errors_pb";

// Helpers to read the payments.v1.ErrorDetail that the service attaches to
// every error. They accept a ConnectError (Connect clients) or a grpc-js
// ServiceError (grpc-js clients), so callers write the same error handling
// whichever client they use.

/** Turns a grpc-js error into a ConnectError, decoding grpc-status-details-bin. */
export function connectErrorFromGrpcJs(err: ServiceError): ConnectError {
  const headers = new Headers();
  headers.set("grpc-status", String(err.code));
  headers.set("grpc-message", encodeURIComponent(err.details ?? ""));
  const details = firstBinary(err.metadata, "grpc-status-details-bin");
  if (details) headers.set("grpc-status-details-bin", Buffer.from(details).toString("base64"));
  return findTrailerError(headers) ?? new ConnectError(err.details ?? err.message, err.code as number as Code);
}

function firstBinary(metadata: Metadata | undefined, key: string): Buffer | undefined {
  const value = metadata?.get(key)[0];
  return value instanceof Buffer ? value : undefined;
}

function isGrpcJsError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === "number" && "metadata" in err;
}

function asConnectError(err: unknown): ConnectError | undefined {
  if (err instanceof ConnectError) return err;
  if (isGrpcJsError(err)) return connectErrorFromGrpcJs(err);
  return undefined;
}

/** The service's ErrorDetail on an error, if it has one. */
export function errorDetail(err: unknown): ErrorDetail | undefined {
  return asConnectError(err)?.findDetails(ErrorDetailSchema)[0];
}

/** Why the call failed (ErrorReason.UNSPECIFIED when the error carries no detail). */
export function errorReason(err: unknown): ErrorReason {
  return errorDetail(err)?.reason ?? ErrorReason.UNSPECIFIED;
}

/**
 * Whether trying the same call again (with the same idempotency key) may
 * succeed. The service says so in the detail; without one, only UNAVAILABLE
 * (the server or the network was not there) counts as retryable.
 */
export function isRetryable(err: unknown): boolean {
  const connectError = asConnectError(err);
  if (!connectError) return false;
  const detail = connectError.findDetails(ErrorDetailSchema)[0];
  return detail ? detail.retryable : connectError.code === Code.Unavailable;
}

/**
 * Whether opening a server stream again may carry on where one that ended
 * with this error stopped (StreamPaymentEvents after the last cursor,
 * WatchOrder from the current state): its deadline passed, the connection or
 * the server went away (restart, deploy, network), or the service says the
 * failure is temporary. Not for errors that a new stream would meet again
 * (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, CURSOR_EXPIRED…).
 * Unlike isRetryable, it says nothing about repeating a unary call.
 *
 * A stream you cancel yourself ends with CANCELED, as one the connection cut
 * does: check your own signal first.
 */
export function isResumable(err: unknown): boolean {
  const connectError = asConnectError(err);
  if (!connectError) return false;
  // Time or the connection ran out (grpc-js reports a cut connection as UNAVAILABLE), whatever a detail says.
  if (connectError.code === Code.DeadlineExceeded || connectError.code === Code.Unavailable) return true;
  const detail = connectError.findDetails(ErrorDetailSchema)[0];
  if (detail) return detail.retryable;
  // No detail: the service did not send it, the connection ended. A server
  // shutdown or a cut connection ends a gRPC (HTTP/2) stream with CANCELED,
  // or with INTERNAL when the server's reset arrives first ("missing status",
  // "Call ended without gRPC status"), and a Connect (HTTP/1.1) one with ABORTED.
  return connectError.code === Code.Canceled || connectError.code === Code.Aborted || connectError.code === Code.Internal;
}
