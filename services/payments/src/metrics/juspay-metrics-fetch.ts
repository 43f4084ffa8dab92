import { context } from "@opentelemetry/api";
import type { EndpointNamer } from "./juspay-endpoint.js";
import type { ServiceMetrics } from "./metrics-registry.js";
import { startJuspaySpan } from "./tracing.js";

// Wraps the fetch the Juspay client uses: every HTTP attempt (retries are
// attempts too) is counted by endpoint template and outcome, timed until its
// body has been read (a connection reset mid-body is a network_error, not a
// success), and traced as a client span. The client's own logic is not
// touched: this only watches what goes over the wire.

export type JuspayOutcome = "success" | "client_error" | "rate_limited" | "server_error" | "timeout" | "aborted" | "network_error" | "refused";

// Statuses whose responses have no body: Response cannot be rebuilt around one.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export interface JuspayFetchObserver {
  metrics: ServiceMetrics;
  endpointOf: EndpointNamer;
}

export function observedJuspayFetch(inner: typeof fetch, { metrics, endpointOf }: JuspayFetchObserver): typeof fetch {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const endpoint = endpointOf(method, url);
    const span = startJuspaySpan(endpoint, method, url);
    const started = process.hrtime.bigint();
    let done = false;
    const finish = (outcome: JuspayOutcome, httpStatus?: number) => {
      if (done) return;
      done = true;
      metrics.juspayRequests.inc({ endpoint, outcome });
      metrics.juspayDuration.observe({ endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
      span.end(outcome, httpStatus);
    };
    let res: Response;
    try {
      res = await context.with(span.context, () => inner(input, init));
    } catch (err) {
      finish(failureOutcome(err, init?.signal));
      throw err;
    }
    const outcome = statusOutcome(res.status);
    if (res.body === null || NULL_BODY_STATUSES.has(res.status) || res.status < 200) {
      finish(outcome, res.status);
      return res;
    }
    const body = watchedBody(res.body, {
      end: () => finish(outcome, res.status),
      fail: (err) => finish(failureOutcome(err, init?.signal), res.status),
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function statusOutcome(status: number): JuspayOutcome {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status >= 400) return "client_error";
  return "success";
}

function failureOutcome(err: unknown, signal: AbortSignal | null | undefined): JuspayOutcome {
  if (signal?.aborted) {
    // The client's attempt timeout and the call's deadline abort with a TimeoutError; anything else is the caller leaving.
    const reason = signal.reason as { name?: unknown } | undefined;
    return reason?.name === "TimeoutError" ? "timeout" : "aborted";
  }
  if (err instanceof Error && err.name === "EgressRefusedError") return "refused";
  return "network_error";
}

/** The same bytes, with `end` called once the reader has them all (or stopped reading) and `fail` on a read error. */
function watchedBody(source: ReadableStream<Uint8Array>, on: { end: () => void; fail: (err: unknown) => void }): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        on.fail(err);
        controller.error(err);
        return;
      }
      if (chunk.done) {
        on.end();
        controller.close();
      } else {
        controller.enqueue(chunk.value);
      }
    },
    async cancel(reason) {
      // The client stops reading a body that is too large: Juspay did answer.
      on.end();
      await reader.cancel(reason);
    },
  });
}
