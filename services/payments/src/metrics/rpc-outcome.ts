import { Code, ConnectError } from "@connectrpc/connect";

// How an RPC ended, as the caller sees it: its gRPC code. Used
// by the metrics and tracing interceptors, which both sit outside the error
// interceptor and so see the codes it chose.

const CODE_NAMES: Record<Code, string> = {
  [Code.Canceled]: "CANCELLED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "ABORTED",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

/** gRPC's OK: not a member of connect's Code, which only lists errors. */
export const OK = 0;

export type GrpcCode = Code | typeof OK;

/** The gRPC code of a thrown error (what connect will answer for it). */
export function codeOf(err: unknown): Code {
  return ConnectError.from(err).code;
}

/** "OK", "INVALID_ARGUMENT", ...: gRPC's canonical names. */
export function codeName(code: GrpcCode): string {
  return code === OK ? "OK" : (CODE_NAMES[code] ?? "UNKNOWN");
}

/**
 * Passes a response stream through and calls `onEnd` once with how it ended:
 * OK, the error's code, or CANCELLED when the caller stopped reading. `step`
 * runs each pull (tracing runs it inside the call's span).
 */
export async function* endObserved<T>(
  messages: AsyncIterable<T>,
  onEnd: (code: GrpcCode) => void,
  step: <R>(pull: () => Promise<R>) => Promise<R> = (pull) => pull(),
): AsyncGenerator<T> {
  const iterator = messages[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      const next = await step(() => iterator.next());
      if (next.done) break;
      yield next.value;
    }
    ended = true;
    onEnd(OK);
  } catch (err) {
    ended = true;
    onEnd(codeOf(err));
    throw err;
  } finally {
    if (!ended) {
      onEnd(Code.Canceled);
      await iterator.return?.();
    }
  }
}
