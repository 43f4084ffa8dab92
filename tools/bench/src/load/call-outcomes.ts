import { summarize, type LatencySummary } from "../measure/latency.js";

// What every load process counts: calls made, successes with their latency,
// failures by kind with the first one's message. One recorder per measured
// part, shared by the gRPC, raw-insert and SDK loads so their results read
// the same way.

export interface CallOutcomes {
  /** Calls counted (after the warm-up). */
  completed: number;
  ok: number;
  /** Failed calls by kind (gRPC status name, Postgres error code, error name). */
  errors: Record<string, number>;
  /** One failure's message, to say why without a log. */
  firstError?: string;
  durationMs: number;
  /** Successful calls per second over the counted part. */
  okPerSecond: number;
  /** Of successful calls. */
  latency: LatencySummary;
}

export class OutcomeRecorder {
  private readonly latencies: number[] = [];
  private readonly errors: Record<string, number> = {};
  private firstError: string | undefined;
  private completed = 0;
  private readonly started = performance.now();

  succeeded(latencyMs: number): void {
    this.completed++;
    this.latencies.push(latencyMs);
  }

  failed(kind: string, message: string): void {
    this.completed++;
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    this.firstError ??= message.slice(0, 300);
  }

  /** The counts so far, over the time since the recorder was made. */
  outcomes(): CallOutcomes {
    const durationMs = performance.now() - this.started;
    const ok = this.latencies.length;
    return {
      completed: this.completed,
      ok,
      errors: this.errors,
      ...(this.firstError !== undefined && { firstError: this.firstError }),
      durationMs,
      okPerSecond: (ok * 1000) / durationMs,
      latency: summarize(this.latencies),
    };
  }
}
