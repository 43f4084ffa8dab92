import type { Interceptor } from "@connectrpc/connect";

// A server stream (WatchOrder, StreamPaymentEvents) ends cleanly, with OK,
// after at most maxLifetimeMs (ADR 0024): no caller holds a stream slot for
// ever, and streams opened together (after a deploy) do not all end together,
// as each ends at a random point in the last tenth of its lifetime. The
// client reconnects: WatchOrder answers the current state first, and
// StreamPaymentEvents resumes after the last cursor it was sent.

const EXPIRED = Symbol("expired");

export function streamLifetimeInterceptor(maxLifetimeMs: number, random: () => number = Math.random): Interceptor {
  return (next) => async (req) => {
    // Unary calls pass straight through: no extra await on the hot path.
    if (req.method.methodKind !== "server_streaming" || !req.service.typeName.startsWith("payments.")) return next(req);
    const res = await next(req);
    if (!res.stream) return res;
    const lifetimeMs = maxLifetimeMs * (0.9 + 0.1 * random());
    return { ...res, message: endingAfter(res.message, lifetimeMs) };
  };
}

async function* endingAfter<T>(messages: AsyncIterable<T>, lifetimeMs: number): AsyncGenerator<T> {
  const it = messages[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof EXPIRED>((resolve) => (timer = setTimeout(() => resolve(EXPIRED), lifetimeMs)));
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      pending = it.next();
      const next = await Promise.race([pending, expired]);
      if (next === EXPIRED) return;
      pending = undefined;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // Close the handler so its own cleanup (unsubscribing from the change
    // feed) runs. When it is still waiting for a change or a poll, ending this
    // stream aborts the call's signal, which ends that wait first.
    void (pending ?? Promise.resolve())
      .then(
        () => it.return?.(),
        () => undefined,
      )
      .catch(() => undefined);
  }
}
