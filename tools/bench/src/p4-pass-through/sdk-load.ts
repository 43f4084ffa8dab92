import { OutcomeRecorder, type CallOutcomes } from "../load/call-outcomes.js";
import type { GrpcLoadResult } from "../load/grpc-load.js";
import { sdkOrders } from "./sdk-client.js";

// The baseline's load: Juspay's SDK calling the simulator directly, one call
// at a time (P4 measures added latency at p50, not throughput), with the same
// simulator work as the service's calls: full refunds of orders charged the
// same way, or status reads of the same pending orders. Bounded by a call
// count and a time limit; the result has the gRPC load's shape.

export interface SdkLoadSpec {
  simUrl: string;
  apiKey: string;
  merchantId: string;
  /** refund: order `${prefix}${i}` refunded in full once; status: orders `${prefix}${from + n}`, n cycling over [0, count). */
  call: { kind: "refund"; prefix: string; amountMinor: number; uniqueRequestIdPrefix: string } | { kind: "status"; prefix: string; from: number; count: number };
  warmupRequests: number;
  maxRequests: number;
  maxDurationMs: number;
  timeoutMs: number;
}

/** The part of a gRPC load result P4 reads, which the SDK's load reports too. */
export type CallsResult = CallOutcomes & Pick<GrpcLoadResult, "warmupOk">;

export interface SdkLoadResult extends CallsResult {
  /** Refund calls: status of our refund in Juspay's answer (the refunds[] entry with our unique_request_id), counted calls only. */
  refundStatuses: Record<string, number>;
}

interface RefundEntry {
  unique_request_id?: string;
  status?: string;
}

export async function runSdkLoad(spec: SdkLoadSpec): Promise<SdkLoadResult> {
  const orders = sdkOrders(spec.simUrl, spec.apiKey, spec.merchantId, spec.timeoutMs);
  const refundStatuses: Record<string, number> = {};
  const call = spec.call;
  const once = async (i: number, counted: boolean): Promise<void> => {
    if (call.kind === "status") {
      const order = await orders.status(`${call.prefix}${call.from + (i % call.count)}`);
      if (typeof order.status !== "string") throw new Error("order status answer without a status");
      return;
    }
    const uniqueRequestId = `${call.uniqueRequestIdPrefix}${i}`;
    const order = await orders.refund(`${call.prefix}${i}`, { unique_request_id: uniqueRequestId, amount: (call.amountMinor / 100).toFixed(2) });
    const refunds = Array.isArray(order.refunds) ? (order.refunds as RefundEntry[]) : [];
    const status = refunds.find((r) => r.unique_request_id === uniqueRequestId)?.status ?? "absent";
    if (counted) refundStatuses[status] = (refundStatuses[status] ?? 0) + 1;
    if (status === "absent") throw new Error(`refund ${uniqueRequestId} is not in the answer`);
  };

  try {
    const stopAt = Date.now() + spec.maxDurationMs;
    let warmupOk = 0;
    let i = 0;
    for (; i < spec.warmupRequests && Date.now() < stopAt; i++) {
      await once(i, false).then(() => warmupOk++, () => undefined);
    }
    const recorder = new OutcomeRecorder();
    for (let n = 0; n < spec.maxRequests && Date.now() < stopAt; n++, i++) {
      const startedAt = performance.now();
      try {
        await once(i, true);
        recorder.succeeded(performance.now() - startedAt);
      } catch (err) {
        const name = err instanceof Error ? err.name : "Error";
        recorder.failed(name, `${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { warmupOk, ...recorder.outcomes(), refundStatuses };
  } finally {
    orders.close();
  }
}
