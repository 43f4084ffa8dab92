// Webhooks per source (the client address): a token bucket each, refilled at
// `perSecond` up to `burst`. Anyone holding the webhook credentials could
// otherwise fill the service's table and make it call Juspay once per forged
// event as fast as they can send; Juspay re-sends what is refused (429), so a
// real burst is delayed, not lost. The table of sources is bounded: the least
// recently seen source is forgotten first (it comes back with a full bucket).

export interface RateLimit {
  /** Sustained webhooks per second per source; 0 turns the limit off. */
  perSecond: number;
  /** Webhooks a source may send at once after a quiet spell. */
  burst: number;
}

export interface RateLimiter {
  /** Takes one token from `source`'s bucket; false when it is empty. */
  take(source: string): boolean;
}

const MAX_SOURCES = 10_000;

export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(source) {
      if (limit.perSecond === 0) return true;
      const t = now();
      const bucket = buckets.get(source) ?? { tokens: limit.burst, at: t };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1_000) * limit.perSecond);
      bucket.at = t;
      // Re-inserted so the Map's order is least recently seen first.
      buckets.delete(source);
      buckets.set(source, bucket);
      if (buckets.size > MAX_SOURCES) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
