import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import type { Interceptor } from "@connectrpc/connect";
import { backoffMs, sleep } from "./backoff.js";
import { isRetryable } from "./errors.js";

/** Sends `authorization: Bearer <token>` on every call. */
export function bearerTokenInterceptor(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

export interface RetryOptions {
  /** Attempts in total, the first included. Default 4. */
  maxAttempts?: number;
  /** First backoff; each next one doubles, with full jitter. Default 100 ms. */
  initialBackoffMs?: number;
  /** Cap for one backoff. Default 2000 ms. */
  maxBackoffMs?: number;
}

/**
 * Retries a failed unary call, with capped exponential backoff and full
 * jitter, only when doing it twice cannot do harm: reads (methods marked
 * NO_SIDE_EFFECTS in the proto) and writes that carry an idempotency key,
 * which the service deduplicates. Only errors the service marks retryable are
 * retried, and never past the call's deadline or cancellation.
 */
export function retryInterceptor(options: RetryOptions = {}): Interceptor {
  const maxAttempts = options.maxAttempts ?? 4;
  const initial = options.initialBackoffMs ?? 100;
  const cap = options.maxBackoffMs ?? 2_000;
  return (next) => async (req) => {
    const safe =
      !req.stream &&
      req.method.methodKind === "unary" &&
      (req.method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS || hasIdempotencyKey(req.message));
    if (!safe) return next(req);
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (err) {
        if (attempt >= maxAttempts || !isRetryable(err) || req.signal.aborted) throw err;
        if (!(await sleep(backoffMs(attempt, initial, cap), req.signal))) throw err;
      }
    }
  };
}

function hasIdempotencyKey(message: unknown): boolean {
  const key = (message as { idempotencyKey?: unknown }).idempotencyKey;
  return typeof key === "string" && key !== "";
}
