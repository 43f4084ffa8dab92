// Simulated time. It runs `timeScale` times faster than real time (a time
// scale of 60 turns Juspay's 1-minute webhook retry into one real second) and
// can be jumped forward with advance(). Everything time-driven in the
// simulator (pending payments settling, refunds moving PENDING → SUCCESS,
// webhook retries) is scheduled on this clock, so tests control it.

interface Task {
  at: number;
  seq: number;
  run: () => void;
}

export class SimClock {
  private readonly realStart = Date.now();
  private offsetMs = 0;
  private readonly tasks: Task[] = [];
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private closed = false;

  constructor(
    readonly timeScale = 1,
    private readonly epochStart = Date.now(),
  ) {
    if (!(timeScale > 0)) throw new Error("time scale must be positive");
  }

  /** Simulated now, epoch milliseconds. */
  now(): number {
    return this.epochStart + (Date.now() - this.realStart) * this.timeScale + this.offsetMs;
  }

  /** Jumps simulated time forward, running every task that falls due. */
  advance(ms: number): void {
    if (ms < 0) throw new Error("time only moves forward");
    this.offsetMs += ms;
    this.runDue();
  }

  /** Runs `run` when simulated time reaches `at` (epoch ms). */
  at(at: number, run: () => void): void {
    if (this.closed) return;
    this.tasks.push({ at, seq: this.seq++, run });
    this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.arm();
  }

  /** Runs `run` after `ms` of simulated time. */
  after(ms: number, run: () => void): void {
    this.at(this.now() + ms, run);
  }

  /** Tasks still waiting. */
  pending(): number {
    return this.tasks.length;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.tasks.length = 0;
  }

  private runDue(): void {
    const now = this.now();
    while (this.tasks.length > 0 && this.tasks[0]!.at <= now) {
      const task = this.tasks.shift()!;
      try {
        task.run();
      } catch (err) {
        // A failing task must not stop the clock for the others.
        process.emitWarning(`juspay-sim: scheduled task failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const next = this.tasks[0];
    if (!next || this.closed) return;
    const realDelay = Math.max(0, (next.at - this.now()) / this.timeScale);
    this.timer = setTimeout(() => this.runDue(), Math.min(realDelay, 2 ** 31 - 1));
    this.timer.unref();
  }
}
