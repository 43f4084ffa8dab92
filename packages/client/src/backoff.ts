// Waiting between attempts, shared by the unary retry interceptor and the
// stream resume helper: capped exponential backoff with full jitter.

/** A random wait in [0, min(cap, initial × 2^(attempt−1))); attempt counts from 1. */
export function backoffMs(attempt: number, initialMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, initialMs * 2 ** (attempt - 1));
}

/** Resolves true after ms, or false as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
