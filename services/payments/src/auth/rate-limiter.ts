import type { Caller } from "./callers.js";

// Per-caller quotas: a token bucket per caller, in this process (each replica
// enforces its share; with N replicas behind a balancer a caller gets about
// N × its rate). One caller over its quota is refused; others are unaffected.

interface Bucket {
  tokens: number;
  at: number;
}

export class CallerRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one call from the caller's bucket: 0 when admitted, else how many ms until one is available. */
  take(caller: Caller): number {
    const { perSecond, burst } = caller.rateLimit;
    const now = this.now();
    const bucket = this.buckets.get(caller.id) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(caller.id, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / perSecond) * 1000);
  }
}
