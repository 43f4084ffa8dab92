// The service's event-loop delay, read from its Prometheus endpoint.
// prom-client's default collector resets its delay histogram on every scrape,
// so a scrape before a phase and one after give the p99 over that phase.

export async function scrapeEventLoopDelayP99Ms(metricsUrl: string): Promise<number> {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`metrics answered ${res.status}`);
  const text = await res.text();
  const match = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.eE+-]+)$/m.exec(text);
  if (match === null) throw new Error("the metrics have no nodejs_eventloop_lag_p99_seconds");
  return Number(match[1]) * 1000;
}
