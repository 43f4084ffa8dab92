import type { Interceptor } from "@connectrpc/connect";
import type { ServiceMetrics } from "./metrics-registry.js";
import { codeName, codeOf, endObserved, OK, type GrpcCode } from "./rpc-outcome.js";

// Counts every RPC and times it, by method and final gRPC code. It must sit
// outside the error interceptor (first in the list) so the code it records is
// the one the caller gets. A server stream is counted when it ends.

export function rpcMetricsInterceptor(metrics: ServiceMetrics): Interceptor {
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const started = process.hrtime.bigint();
    const record = (code: GrpcCode) => countRpc(metrics, method, code, Number(process.hrtime.bigint() - started) / 1e9);
    let res;
    try {
      res = await next(req);
    } catch (err) {
      record(codeOf(err));
      throw err;
    }
    if (!res.stream) {
      record(OK);
      return res;
    }
    return { ...res, message: endObserved(res.message, record) };
  };
}

/** Counts and times one RPC; also for a call the request gate refused, which no interceptor sees. */
export function countRpc(metrics: ServiceMetrics, method: string, code: GrpcCode, seconds: number): void {
  const labels = { method, code: codeName(code) };
  metrics.rpcRequests.inc(labels);
  metrics.rpcDuration.observe(labels, seconds);
}
