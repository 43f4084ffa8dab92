import { ConnectError, type Code } from "@connectrpc/connect";
import { errorDetail } from "@payments/client";
import type { ErrorReason } from "@payments/proto/payments/v1/errors_pb";

// A bounded load of RPCs from a few loops, every call's outcome and timing
// recorded, for tests that break something underneath and then judge how
// each call ended.

export interface CallOutcome {
  /** Date.now() when the call was made and when it ended. */
  startedAt: number;
  endedAt: number;
  /** "OK", or the gRPC code it failed with. */
  code: Code | "OK";
  reason: ErrorReason | undefined;
  retryable: boolean | undefined;
}

export interface RpcLoad {
  readonly outcomes: readonly CallOutcome[];
  /** Stops the loops and waits for the calls in flight. */
  stop(): Promise<void>;
}

export interface RpcLoadOptions {
  /** Loops running at once. */
  concurrency: number;
  /** Pause after each call in a loop, so the load stays modest on a shared machine. */
  pauseMs: number;
  /** The load stops by itself after this many calls. */
  maxCalls: number;
}

export function startRpcLoad(call: () => Promise<unknown>, options: RpcLoadOptions): RpcLoad {
  const outcomes: CallOutcome[] = [];
  let stopped = false;
  let started = 0;
  const loop = async () => {
    while (!stopped && started < options.maxCalls) {
      started++;
      outcomes.push(await timed(call));
      await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const loops = Promise.all(Array.from({ length: options.concurrency }, loop));
  return {
    outcomes,
    async stop() {
      stopped = true;
      await loops;
    },
  };
}

/** One call, how it ended and when. */
export async function timed(call: () => Promise<unknown>): Promise<CallOutcome> {
  const startedAt = Date.now();
  try {
    await call();
    return { startedAt, endedAt: Date.now(), code: "OK", reason: undefined, retryable: undefined };
  } catch (err) {
    const endedAt = Date.now();
    // Anything but a ConnectError becomes UNKNOWN, which no test accepts.
    const connectError = ConnectError.from(err);
    const detail = errorDetail(connectError);
    return { startedAt, endedAt, code: connectError.code, reason: detail?.reason, retryable: detail?.retryable };
  }
}
