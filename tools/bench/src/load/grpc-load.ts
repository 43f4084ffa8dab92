import * as grpc from "@grpc/grpc-js";
import { OutcomeRecorder, type CallOutcomes } from "./call-outcomes.js";
import { METHOD_OF_PLAN, requestEncoder, type RequestPlan } from "./request-plans.js";

// Unary gRPC load from @grpc/grpc-js with pre-encoded requests (raw bytes in
// and out: the client spends nothing on protobuf during the run). Closed loop
// (a fixed number of calls in flight) to find saturation; open loop (calls
// started at a fixed rate, latency counted from when each was due) for
// latency at a given load. Bounded by a request count and a time limit.

export interface GrpcLoadSpec {
  /** host:port, plaintext HTTP/2. */
  target: string;
  plan: RequestPlan;
  /** Overrides the plan's method (a bare server may serve another path). */
  method?: string;
  metadata: Record<string, string>;
  /** Calls in flight (closed loop), or the cap on them (open loop). */
  concurrency: number;
  /** Open loop: start this many calls per second. */
  ratePerSecond?: number;
  /** Calls made first and not counted (connection set-up, JIT). */
  warmupRequests: number;
  maxRequests: number;
  maxDurationMs: number;
  deadlineMs: number;
}

/** Errors are by gRPC status name; open loop latencies count from when each call was due. */
export interface GrpcLoadResult extends CallOutcomes {
  /** Warm-up calls that succeeded (not counted; they did write what they write). */
  warmupOk: number;
  /** CPU seconds the load process itself used over the counted part (it shares the machine's cores). */
  cpuSeconds: number;
}

const identity = (bytes: Buffer) => bytes;

export async function runGrpcLoad(spec: GrpcLoadSpec): Promise<GrpcLoadResult> {
  const encode = requestEncoder(spec.plan);
  const total = spec.warmupRequests + spec.maxRequests;
  const requests: Buffer[] = [];
  for (let i = 0; i < total; i++) requests.push(Buffer.from(encode(i)));
  const method = spec.method ?? METHOD_OF_PLAN[spec.plan.kind];
  const client = new grpc.Client(spec.target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(spec.metadata)) metadata.set(key, value);

  const call = (request: Buffer) =>
    new Promise<grpc.ServiceError | null>((resolve) => {
      client.makeUnaryRequest(method, identity, identity, request, metadata, { deadline: Date.now() + spec.deadlineMs }, (err) => resolve(err));
    });

  try {
    let warmupOk = 0;
    await runClosedLoop(requests.slice(0, spec.warmupRequests), Math.min(spec.concurrency, 16), call, (err) => void (err === null && warmupOk++), Date.now() + spec.maxDurationMs);
    const measured = requests.slice(spec.warmupRequests);
    const recorder = new OutcomeRecorder();
    const record = (err: grpc.ServiceError | null, startedAt: number) => {
      if (err === null) return recorder.succeeded(performance.now() - startedAt);
      const name = grpc.status[err.code] ?? String(err.code);
      recorder.failed(name, `${name}: ${err.details}`);
    };
    const cpuBefore = process.cpuUsage();
    const stopAt = Date.now() + spec.maxDurationMs;
    if (spec.ratePerSecond === undefined) await runClosedLoop(measured, spec.concurrency, call, record, stopAt);
    else await runOpenLoop(measured, spec.ratePerSecond, spec.concurrency, call, record, stopAt);
    const cpu = process.cpuUsage(cpuBefore);
    return { warmupOk, ...recorder.outcomes(), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    client.close();
  }
}

type Call = (request: Buffer) => Promise<grpc.ServiceError | null>;
type Record_ = (err: grpc.ServiceError | null, startedAt: number) => void;

async function runClosedLoop(requests: Buffer[], concurrency: number, call: Call, record: Record_, stopAt: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < requests.length && Date.now() < stopAt) {
      const request = requests[next++]!;
      const startedAt = performance.now();
      record(await call(request), startedAt);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/**
 * Starts call i at start + i/rate. A call that had to wait for a free slot
 * (the server fell behind) counts from when it was due, so a stall is not
 * hidden; otherwise from when it was sent, so timer granularity is not
 * counted against the server.
 */
async function runOpenLoop(requests: Buffer[], ratePerSecond: number, maxInFlight: number, call: Call, record: Record_, stopAt: number): Promise<void> {
  const start = performance.now();
  const intervalMs = 1000 / ratePerSecond;
  let inFlight = 0;
  let next = 0;
  let waitedForSlot = false;
  const pending = new Set<Promise<void>>();
  while (next < requests.length && Date.now() < stopAt) {
    const dueAt = start + next * intervalMs;
    const wait = dueAt - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight >= maxInFlight) {
      waitedForSlot = true;
      await Promise.race(pending);
      continue;
    }
    const request = requests[next++]!;
    const startedAt = waitedForSlot ? dueAt : performance.now();
    waitedForSlot = false;
    inFlight++;
    const done = call(request).then((err) => {
      inFlight--;
      record(err, startedAt);
      pending.delete(done);
    });
    pending.add(done);
    // Let answers be read between bursts of sends.
    if (next % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
}
