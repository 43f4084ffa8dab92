import { Code, type Interceptor } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { rpcError } from "./errors.js";

// Load shedding (criterion 40): at most so many calls are handled at once,
// each kind from its own budget, and the excess is refused at once with
// RESOURCE_EXHAUSTED (OVERLOADED) instead of queueing: admitted calls keep
// their latency, memory stays bounded, and a caller's retry with backoff finds
// room. Webhook ingestion has its own budget so a flood of RPCs never stops
// Juspay's webhooks from being stored; long-lived streams have theirs.

export interface AdmissionLimits {
  /** Unary RPCs in flight (all but webhook ingestion). */
  unary: number;
  /** IngestJuspayWebhook calls in flight. */
  webhooks: number;
  /** Open server streams (WatchOrder, StreamPaymentEvents). */
  streams: number;
}

export type AdmissionPool = keyof AdmissionLimits;

/** How long a refused caller should wait: long enough for a burst to pass, short enough not to idle. */
const RETRY_AFTER_MS = 200;

export function admissionInterceptor(limits: AdmissionLimits, onShed?: (pool: AdmissionPool) => void): Interceptor {
  const inFlight: Record<AdmissionPool, number> = { unary: 0, webhooks: 0, streams: 0 };
  return (next) => async (req) => {
    if (!req.service.typeName.startsWith("payments.")) return next(req);
    const pool: AdmissionPool = req.method.methodKind === "server_streaming" ? "streams" : req.method.name === "IngestJuspayWebhook" ? "webhooks" : "unary";
    if (inFlight[pool] >= limits[pool]) {
      onShed?.(pool);
      throw rpcError(Code.ResourceExhausted, "the service is at capacity: retry with backoff", {
        reason: ErrorReason.OVERLOADED,
        retryable: true,
        retryAfterMs: RETRY_AFTER_MS,
      });
    }
    inFlight[pool]++;
    let streaming = false;
    try {
      const res = await next(req);
      if (!res.stream) return res;
      streaming = true;
      return { ...res, message: releasedAtEnd(res.message, () => inFlight[pool]--) };
    } finally {
      if (!streaming) inFlight[pool]--;
    }
  };
}

async function* releasedAtEnd<T>(messages: AsyncIterable<T>, release: () => void): AsyncIterable<T> {
  try {
    yield* messages;
  } finally {
    release();
  }
}
