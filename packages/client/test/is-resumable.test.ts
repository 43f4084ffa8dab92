import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { describe, expect, it } from "vitest";
import { isResumable, isRetryable } from "../src/index.js";

// isResumable on errors built the way they arrive; the real service's own
// are checked in services/payments/test/client/client-streams.test.ts.

const withDetail = (code: Code, reason: ErrorReason, retryable: boolean) =>
  new ConnectError("from the service", code, undefined, [{ desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { reason, retryable }) }]);

const grpcJsError = (code: status): ServiceError => Object.assign(new Error("grpc-js"), { code, details: "grpc-js", metadata: new Metadata() });

describe("isResumable", () => {
  it.each([
    ["a deadline that passed", new ConnectError("the operation timed out", Code.DeadlineExceeded)],
    ["a deadline, whatever its detail says", withDetail(Code.DeadlineExceeded, ErrorReason.INTERNAL, false)],
    ["a server out of reach", new ConnectError("connect ECONNREFUSED", Code.Unavailable)],
    ["a cut HTTP/2 stream", new ConnectError("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled)],
    ["a stream reset before its status", new ConnectError("protocol error: missing status", Code.Internal)],
    ["a hung-up HTTP/1.1 stream", new ConnectError("socket hang up", Code.Aborted)],
    ["the database briefly gone", withDetail(Code.Unavailable, ErrorReason.DATABASE_UNAVAILABLE, true)],
    ["a full stream budget", withDetail(Code.ResourceExhausted, ErrorReason.OVERLOADED, true)],
    ["a dropped grpc-js connection", grpcJsError(status.UNAVAILABLE)],
  ])("is true for %s", (_, err) => {
    expect(isResumable(err)).toBe(true);
  });

  it.each([
    ["a bad request", withDetail(Code.InvalidArgument, ErrorReason.INVALID_FIELD, false)],
    ["a caller without the scope", withDetail(Code.PermissionDenied, ErrorReason.PERMISSION_DENIED, false)],
    ["an unknown caller", withDetail(Code.Unauthenticated, ErrorReason.UNAUTHENTICATED, false)],
    ["an expired cursor", withDetail(Code.FailedPrecondition, ErrorReason.CURSOR_EXPIRED, false)],
    ["an error the service says is final", withDetail(Code.Internal, ErrorReason.INTERNAL, false)],
    ["a grpc-js PERMISSION_DENIED", grpcJsError(status.PERMISSION_DENIED)],
    ["something that is not an RPC error", new TypeError("a bug")],
  ])("is false for %s", (_, err) => {
    expect(isResumable(err)).toBe(false);
  });

  it("differs from isRetryable: a stream past its deadline may be resumed, a unary call is not repeated", () => {
    const deadline = new ConnectError("the operation timed out", Code.DeadlineExceeded);
    expect(isRetryable(deadline)).toBe(false);
    expect(isResumable(deadline)).toBe(true);
  });
});
