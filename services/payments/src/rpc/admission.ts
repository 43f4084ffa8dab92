import type { DescMethod, DescService } from "@bufbuild/protobuf";
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

/** The budget a call draws from; none for calls outside payments.v1 (health, reflection). */
function poolOf(service: DescService, method: DescMethod): AdmissionPool | undefined {
  if (!service.typeName.startsWith("payments.")) return undefined;
  if (method.methodKind === "server_streaming") return method.name === "StreamPaymentEvents" ? "eventStreams" : "streams";
  return method.name === "IngestJuspayWebhook" ? "webhooks" : "unary";
}

/**
 * The budgets and each caller's share of them. The request gate looks first,
 * from the headers alone (a flood is refused before any body is read, ADR
 * 0026); the interceptor then holds the call's slots until its work is over,
 * looking again, as other calls may have been admitted in between.
 */
export class Admission {
  private readonly inFlight: Record<AdmissionPool, number> = { unary: 0, webhooks: 0, streams: 0, eventStreams: 0 };
  private readonly held = new Map<string, number>();

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly onShed?: (reason: ShedReason) => void,
  ) {}

  /** Throws OVERLOADED when the call's whole budget is full. Before authentication: holds nothing. */
  refuseIfFull(service: DescService, method: DescMethod): void {
    const pool = poolOf(service, method);
    if (pool !== undefined && this.inFlight[pool] >= this.limits[pool]) this.shed(pool, "the service is at capacity: retry with backoff");
  }

  /** Throws OVERLOADED when the caller already holds its share of the call's budget. After authentication: holds nothing. */
  refuseIfShareHeld(service: DescService, method: DescMethod, caller: string): void {
    const pool = poolOf(service, method);
    if (pool === undefined || pool === "webhooks") return; // webhooks come from the bridge alone
    if ((this.held.get(`${pool}/${caller}`) ?? 0) >= this.shareOf(pool)) {
      this.shed(`${pool}_caller_share`, "this caller holds its share of the service's capacity: retry with backoff");
    }
  }

  /** Holds the call's slot in its budget and its caller's share until the call is over (a stream: its last message). */
  interceptor(): Interceptor {
    return (next) => async (req) => {
      const pool = poolOf(req.service, req.method);
      if (pool === undefined) return next(req);
      const caller = req.contextValues.get(CALLER);
      this.refuseIfFull(req.service, req.method);
      this.refuseIfShareHeld(req.service, req.method, caller);
      const slot = pool === "webhooks" ? undefined : `${pool}/${caller}`;
      this.inFlight[pool]++;
      if (slot !== undefined) this.held.set(slot, (this.held.get(slot) ?? 0) + 1);
      return heldUntilDone(
        () => next(req),
        () => {
          this.inFlight[pool]--;
          if (slot === undefined) return;
          const left = (this.held.get(slot) ?? 1) - 1;
          if (left === 0) this.held.delete(slot);
          else this.held.set(slot, left);
        },
      );
    };
  }

  private shareOf(pool: AdmissionPool): number {
    return Math.max(1, Math.floor((this.limits[pool] * this.limits.callerSharePercent) / 100));
  }

  private shed(reason: ShedReason, message: string): never {
    this.onShed?.(reason);
    throw overloaded(message);
  }
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
