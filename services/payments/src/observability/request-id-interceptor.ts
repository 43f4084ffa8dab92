import { ConnectError, createContextKey, type Interceptor, type StreamResponse } from "@connectrpc/connect";
import { acceptRequestId, REQUEST_ID_HEADER, runWithRequestId } from "./request-context.js";

/** The call's request id when the request gate chose it already (so that a refusal there names it too). */
export const REQUEST_ID = createContextKey<string | undefined>(undefined, { description: "the call's x-request-id" });

/**
 * Outermost interceptor: every call runs under a request id (the caller's
 * `x-request-id` when well-formed, else a new one: the one the request gate
 * chose, when a gate runs), which every log line written for the call carries
 * and which the answer returns in the `x-request-id` response header, errors
 * included.
 */
export function requestIdInterceptor(): Interceptor {
  return (next) => async (req) => {
    const requestId = req.contextValues.get(REQUEST_ID) ?? acceptRequestId(req.header.get(REQUEST_ID_HEADER));
    try {
      const res = await runWithRequestId(requestId, () => next(req));
      res.header.set(REQUEST_ID_HEADER, requestId);
      return res.stream ? ({ ...res, message: underRequestId(requestId, res.message) } as StreamResponse) : res;
    } catch (err) {
      const error = ConnectError.from(err);
      error.metadata.set(REQUEST_ID_HEADER, requestId);
      throw error;
    }
  };
}

/**
 * A server stream's messages are produced when the transport pulls them,
 * outside the call above: each pull runs under the request id again, and an
 * error ending the stream names it too.
 */
function underRequestId<T>(requestId: string, messages: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const inner = runWithRequestId(requestId, () => messages[Symbol.asyncIterator]());
      const pull = (step: () => Promise<IteratorResult<T>>) =>
        runWithRequestId(requestId, step).catch((err: unknown) => {
          const error = ConnectError.from(err);
          error.metadata.set(REQUEST_ID_HEADER, requestId);
          throw error;
        });
      return {
        next: () => pull(() => inner.next()),
        return: (value?: unknown) => pull(() => inner.return?.(value) ?? Promise.resolve({ done: true, value: undefined as T })),
        throw: (e?: unknown) => pull(() => inner.throw?.(e) ?? Promise.reject(e)),
      };
    },
  };
}
