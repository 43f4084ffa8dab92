import autocannon from "autocannon";
import { summarize, type LatencySummary } from "../measure/latency.js";
import { benchEventId, webhookBodies } from "./webhook-body.js";

// HTTP load on the webhook bridge from autocannon (closed loop: a fixed
// number of keep-alive connections, one request in flight on each). Every
// request is a new event (its own Juspay event id in the body). With one
// request in flight per connection, the connection's context names the
// event its response answers, so the events answered 200 are known exactly:
// P3 checks each of them is in the database.

export interface WebhookLoadSpec {
  url: string;
  /** Authorization header value (Basic); never printed. */
  authorization: string;
  connections: number;
  /** Events point at these orders, round robin. */
  orderIds: string[];
  /** Event ids of this phase are benchEventId(phaseTag, seq). */
  phaseTag: string;
  maxRequests: number;
  maxDurationMs: number;
  timeoutSeconds: number;
}

export interface WebhookLoadResult {
  phaseTag: string;
  /** Requests written to a connection (answered or not). */
  sent: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  ok: number;
  /** Connection errors and timeouts as autocannon counts them (timeouts are included in errors). */
  errors: number;
  timeouts: number;
  durationMs: number;
  okPerSecond: number;
  /** Of 2xx answers. */
  latency: LatencySummary;
  /** Sequence numbers of the events answered 200. */
  okSeqs: number[];
  bodyBytes: number;
}

interface EventContext {
  seq?: number;
}

export async function runWebhookLoad(spec: WebhookLoadSpec): Promise<WebhookLoadResult> {
  const bodies = webhookBodies();
  let nextSeq = 0;
  const okSeqs: number[] = [];
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bodyBytes = Buffer.byteLength(bodies.body(benchEventId(spec.phaseTag, 0), spec.orderIds[0]!));

  const started = performance.now();
  let finished: (err: Error | null, result: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => (finished = (err, result) => (err ? reject(err) : resolve(result))));
  const instance = autocannon({
    url: spec.url,
    method: "POST",
    connections: spec.connections,
    // Not `amount`: with it autocannon ignores the duration.
    maxOverallRequests: spec.maxRequests,
    duration: spec.maxDurationMs / 1000,
    timeout: spec.timeoutSeconds,
    headers: { authorization: spec.authorization, "content-type": "application/json" },
    requests: [
      {
        setupRequest(request, context: EventContext) {
          const seq = nextSeq++;
          context.seq = seq;
          return { ...request, body: bodies.body(benchEventId(spec.phaseTag, seq), spec.orderIds[seq % spec.orderIds.length]!) };
        },
        onResponse(status, _body, context: EventContext) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 200 && context.seq !== undefined) okSeqs.push(context.seq);
        },
      },
    ],
  }, (err, result) => finished(err, result));
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  // autocannon stops itself at the duration; this is the backstop.
  const backstop = setTimeout(() => instance.stop(), spec.maxDurationMs + 5_000);
  const result = await done;
  clearTimeout(backstop);
  const durationMs = performance.now() - started;
  const ok = result["2xx"];
  return {
    phaseTag: spec.phaseTag,
    sent: result.requests.sent,
    statuses,
    ok,
    errors: result.errors,
    timeouts: result.timeouts,
    durationMs,
    okPerSecond: (ok * 1000) / durationMs,
    latency: summarize(latencies),
    okSeqs,
    bodyBytes,
  };
}
