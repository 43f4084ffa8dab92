// The service's serving status, shared by the gRPC health service and the
// shutdown path. SERVING means the database answers and, when this replica
// runs the job worker, its poll loop keeps going round; during shutdown the
// status turns NOT_SERVING first so load balancers stop routing here while
// in-flight calls drain.

export type ServingState = "SERVING" | "NOT_SERVING";

export interface HealthMonitorOptions {
  /** Answers true when the database responds in time. */
  pingDatabase: () => Promise<boolean>;
  /** How long a database probe result is reused (health checks can be frequent). */
  cacheMs?: number;
  /** How often Watch streams re-probe for changes. */
  watchIntervalMs?: number;
  /** The job worker, when this replica runs one. */
  jobs?: WorkerLiveness;
}

/** What health needs of the job worker: when its poll loop last completed a cycle (undefined: stopped). */
export interface WorkerLiveness {
  lastPollAt(): number | undefined;
  /** A loop whose last cycle is older than this is stuck. */
  staleAfterMs: number;
}

/**
 * Generous on purpose: the loop itself never waits for jobs, only for its
 * claim query, which may queue for a pool connection and run into the
 * statement timeout before it fails; a replica must not flap out of service
 * over one slow poll.
 */
export const WORKER_STALL_MARGIN_MS = 20_000;

/** Stuck = no completed poll cycle within three poll intervals plus the margin. */
export function workerStaleAfterMs(pollIntervalMs: number): number {
  return 3 * pollIntervalMs + WORKER_STALL_MARGIN_MS;
}

export class HealthMonitor {
  private shuttingDown = false;
  private cached: { state: ServingState; at: number } | undefined;
  private probe: Promise<ServingState> | undefined;
  private readonly wakers = new Set<() => void>();
  private readonly cacheMs: number;
  readonly watchIntervalMs: number;

  constructor(private readonly options: HealthMonitorOptions) {
    this.cacheMs = options.cacheMs ?? 1_000;
    this.watchIntervalMs = options.watchIntervalMs ?? 2_000;
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
    // Watchers learn at once, not at their next poll.
    for (const wake of this.wakers) wake();
  }

  async state(): Promise<ServingState> {
    if (this.shuttingDown) return "NOT_SERVING";
    if (!this.workerAlive()) return "NOT_SERVING";
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.state;
    // Concurrent checks share one probe.
    this.probe ??= this.options.pingDatabase().then(
      (ok): ServingState => {
        const state: ServingState = ok ? "SERVING" : "NOT_SERVING";
        this.cached = { state, at: Date.now() };
        this.probe = undefined;
        return this.shuttingDown ? "NOT_SERVING" : state;
      },
      (): ServingState => {
        this.probe = undefined;
        return "NOT_SERVING";
      },
    );
    return this.probe;
  }

  private workerAlive(): boolean {
    const jobs = this.options.jobs;
    if (jobs === undefined) return true;
    const last = jobs.lastPollAt();
    return last !== undefined && Date.now() - last <= jobs.staleAfterMs;
  }

  /** Yields the current state, then each change, until the signal aborts or shutdown begins. */
  async *changes(signal: AbortSignal): AsyncGenerator<ServingState> {
    let last: ServingState | undefined;
    while (!signal.aborted) {
      const state = await this.state();
      if (state !== last) {
        last = state;
        yield state;
      }
      // A stopping server ends its watches so they don't hold up the drain;
      // the watcher reconnects to another replica.
      if (this.shuttingDown) return;
      await this.pause(signal);
    }
  }

  /** Waits for the watch interval, an abort, or a shutdown, whichever comes first. */
  private pause(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.watchIntervalMs);
      signal.addEventListener("abort", done, { once: true });
      this.wakers.add(done);
      const wakers = this.wakers;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        wakers.delete(done);
        resolve();
      }
    });
  }
}
