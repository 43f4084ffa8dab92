import { Code, type Interceptor, type StreamResponse, type UnaryResponse } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { CALLER } from "./call-context.js";
import { rpcError } from "./errors.js";

// Load shedding (criterion 40, ADR 0024): at most so many calls are handled
// at once, each kind from its own budget, and the excess is refused at once
// with RESOURCE_EXHAUSTED (OVERLOADED) instead of queueing: admitted calls
// keep their latency, memory stays bounded, and a caller's retry with backoff
// finds room. Webhook ingestion has its own budget so a flood of RPCs never
// stops Juspay's webhooks from being stored; WatchOrder streams and
// StreamPaymentEvents streams have one each, so watchers never lock the event
// consumers out. And no one caller may hold more than its share of a budget
// (callerSharePercent), so a caller at its share leaves room for the others.

export interface AdmissionLimits {
  /** Unary RPCs in flight (all but webhook ingestion). */
  unary: number;
  /** IngestJuspayWebhook calls in flight. */
  webhooks: number;
  /** Open WatchOrder streams. */
  streams: number;
  /** Open StreamPaymentEvents streams. */
  eventStreams: number;
  /** The most of the unary, streams and eventStreams budgets one caller may hold, in percent (at least one call). Webhooks come from the bridge alone. */
  callerSharePercent: number;
  /** A server stream ends cleanly (OK) after at most this long; the client reconnects (rpc/stream-lifetime.ts). */
  maxStreamLifetimeMs: number;
}

export type AdmissionPool = "unary" | "webhooks" | "streams" | "eventStreams";

/** Why a call was shed: a budget was full, or the caller held its share of it. */
export type ShedReason = AdmissionPool | `${AdmissionPool}_caller_share`;

/** How long a refused caller should wait: long enough for a burst to pass, short enough not to idle. */
const RETRY_AFTER_MS = 200;

type Request = Parameters<Parameters<Interceptor>[0]>[0];

function poolOf(req: Request): AdmissionPool {
  if (req.method.methodKind === "server_streaming") return req.method.name === "StreamPaymentEvents" ? "eventStreams" : "streams";
  return req.method.name === "IngestJuspayWebhook" ? "webhooks" : "unary";
}

/** The whole budgets. Outermost, before authentication: a flood is refused before any work. */
export function admissionInterceptor(limits: AdmissionLimits, onShed?: (reason: ShedReason) => void): Interceptor {
  const inFlight: Record<AdmissionPool, number> = { unary: 0, webhooks: 0, streams: 0, eventStreams: 0 };
  return (next) => async (req) => {
    if (!req.service.typeName.startsWith("payments.")) return next(req);
    const pool = poolOf(req);
    if (inFlight[pool] >= limits[pool]) {
      onShed?.(pool);
      throw overloaded("the service is at capacity: retry with backoff");
    }
    inFlight[pool]++;
    return heldUntilDone(() => next(req), () => inFlight[pool]--);
  };
}

/** Each caller's share of the budgets. After authentication, which names the caller. */
export function callerShareInterceptor(limits: AdmissionLimits, onShed?: (reason: ShedReason) => void): Interceptor {
  const held = new Map<string, number>();
  const shareOf = (pool: AdmissionPool) => Math.max(1, Math.floor((limits[pool] * limits.callerSharePercent) / 100));
  return (next) => async (req) => {
    if (!req.service.typeName.startsWith("payments.")) return next(req);
    const pool = poolOf(req);
    if (pool === "webhooks") return next(req);
    const slot = `${pool}/${req.contextValues.get(CALLER)}`;
    const holding = held.get(slot) ?? 0;
    if (holding >= shareOf(pool)) {
      onShed?.(`${pool}_caller_share`);
      throw overloaded("this caller holds its share of the service's capacity: retry with backoff");
    }
    held.set(slot, holding + 1);
    return heldUntilDone(
      () => next(req),
      () => {
        const left = (held.get(slot) ?? 1) - 1;
        if (left === 0) held.delete(slot);
        else held.set(slot, left);
      },
    );
  };
}

function overloaded(message: string) {
  return rpcError(Code.ResourceExhausted, message, { reason: ErrorReason.OVERLOADED, retryable: true, retryAfterMs: RETRY_AFTER_MS });
}

/** Runs the call and releases its slot when it is over: a unary call when it answers, a stream when its last message is sent. */
async function heldUntilDone(call: () => Promise<UnaryResponse | StreamResponse>, release: () => void): Promise<UnaryResponse | StreamResponse> {
  let streaming = false;
  try {
    const res = await call();
    if (!res.stream) return res;
    streaming = true;
    return { ...res, message: releasedAtEnd(res.message, release) };
  } finally {
    if (!streaming) release();
  }
}

async function* releasedAtEnd<T>(messages: AsyncIterable<T>, release: () => void): AsyncIterable<T> {
  try {
    yield* messages;
  } finally {
    release();
  }
}
