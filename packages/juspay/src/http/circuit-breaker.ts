import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  SamplingBreaker,
  circuitBreaker,
  handleType,
  type CircuitBreakerPolicy,
} from "cockatiel";

// One circuit breaker per Juspay base URL (cockatiel 3), shared by every
// client of the process that talks to that URL (`sharedCircuitBreakers`), or
// per registry when a client is given its own. Only signs of an unhealthy
// upstream count as failures: network errors, timed-out attempts and 5xx.
// Any other answer (2xx, 4xx, a 429 whose Retry-After the retry policy
// honours, an undecodable 200) counts as a success: Juspay answered. The
// caller's own abort is neutral (not recorded).
// While the breaker is open calls fail at once without touching the network;
// after `halfOpenAfterMs` one probe goes through (other calls keep failing
// fast meanwhile) and its result closes or re-opens the circuit.

export type BreakerSettings =
  | {
      /** Opens when more than `threshold` of the calls in the last `durationMs` failed, given at least `minimumRps` calls per second. */
      kind: "sampling";
      threshold: number;
      durationMs: number;
      minimumRps: number;
      halfOpenAfterMs: number;
    }
  | {
      /** Opens after `threshold` failures in a row. */
      kind: "consecutive";
      threshold: number;
      halfOpenAfterMs: number;
    }
  | { kind: "off" };

/**
 * Defaults (reliability §3 criterion 16): ≥ 50 % failures over ≥ 20 calls in
 * 10 s (2 calls/s) opens it; a probe after 10 s.
 */
export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  kind: "sampling",
  threshold: 0.5,
  durationMs: 10_000,
  minimumRps: 2,
  halfOpenAfterMs: 10_000,
};

export type CircuitStateName = "closed" | "open" | "half_open" | "isolated" | "off";

/** Thrown inside the breaker to mark an attempt as an upstream failure; carries what the attempt produced. */
export class UpstreamFailure<T> extends Error {
  constructor(readonly outcome: T) {
    super("upstream failure");
  }
}

/** Thrown inside the breaker for an attempt that says nothing about Juspay's health (the caller aborted). */
export class NeutralOutcome<T> extends Error {
  constructor(readonly outcome: T) {
    super("neutral outcome");
  }
}

/** Thrown by UpstreamGuard.run when the circuit is open (or a half-open probe is already in flight). */
export class CircuitOpen extends Error {
  constructor() {
    super("circuit open");
  }
}

export class UpstreamGuard {
  private readonly policy: CircuitBreakerPolicy | null;

  constructor(readonly settings: BreakerSettings) {
    if (settings.kind === "off") {
      this.policy = null;
      return;
    }
    const breaker =
      settings.kind === "sampling"
        ? new SamplingBreaker({ threshold: settings.threshold, duration: settings.durationMs, minimumRps: settings.minimumRps })
        : new ConsecutiveBreaker(settings.threshold);
    this.policy = circuitBreaker(handleType(UpstreamFailure), { halfOpenAfter: settings.halfOpenAfterMs, breaker });
  }

  get state(): CircuitStateName {
    if (!this.policy) return "off";
    switch (this.policy.state) {
      case CircuitState.Closed:
        return "closed";
      case CircuitState.Open:
        return "open";
      case CircuitState.HalfOpen:
        return "half_open";
      default:
        return "isolated";
    }
  }

  /**
   * Runs one attempt. `fn` throws UpstreamFailure for an unhealthy result
   * (counted as a failure), NeutralOutcome for one that is not recorded, and
   * returns anything else (counted as a success). Throws
   * CircuitOpen without running `fn` when the circuit does not admit calls.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.policy) return fn();
    // cockatiel queues callers behind a half-open probe; fail them fast instead.
    if (this.policy.state === CircuitState.HalfOpen) throw new CircuitOpen();
    try {
      return await this.policy.execute(fn);
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) throw new CircuitOpen();
      throw err;
    }
  }

  /** Holds the circuit open until the returned handle is disposed (maintenance, tests). */
  isolate(): { dispose(): void } {
    if (!this.policy) return { dispose: () => undefined };
    return this.policy.isolate();
  }
}

/** Breakers by base URL. The first settings given for a URL win. */
export class CircuitBreakers {
  private readonly guards = new Map<string, UpstreamGuard>();

  forBaseUrl(baseUrl: string, settings: BreakerSettings): UpstreamGuard {
    const key = normalizeBaseUrl(baseUrl);
    let guard = this.guards.get(key);
    if (!guard) {
      guard = new UpstreamGuard(settings);
      this.guards.set(key, guard);
    }
    return guard;
  }

  clear(): void {
    this.guards.clear();
  }
}

export function normalizeBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The process-wide registry clients use unless given their own. */
export const sharedCircuitBreakers = new CircuitBreakers();
