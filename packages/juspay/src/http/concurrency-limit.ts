// A bulkhead for calls to Juspay: at most `max` calls in flight from this
// client, and at most `maxWaiting` waiting for a slot; beyond that a call is
// refused at once, before anything is sent. One slow Juspay endpoint then
// cannot pile up every request of the service behind it (criterion 40).

export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly maxWaiting: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  /**
   * Resolves with a release function once a slot is free; resolves null at
   * once when too many wait already, or when `signal` ends the wait.
   */
  async acquire(signal: AbortSignal): Promise<(() => void) | null> {
    if (this.active < this.max) return this.take();
    if (this.waiting.length >= this.maxWaiting || signal.aborted) return null;
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener("abort", giveUp);
        resolve(this.take());
      };
      const giveUp = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(null);
      };
      this.waiting.push(grant);
      signal.addEventListener("abort", giveUp, { once: true });
    });
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}
