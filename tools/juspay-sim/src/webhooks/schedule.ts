// Juspay's documented webhook retry schedule (reference §4.4): 16 retries
// over about 24 h after the original attempt — the 1st after 60 s, the 2nd–3rd
// every 5 min, the 4th–8th every 10 min, the 9th–13th hourly, the 14th–16th
// every 6 h. Each delay counts from the previous attempt's due time, so the
// due times are exact in simulated ms however long a delivery takes.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before retry n (index n-1), in simulated ms. */
export const RETRY_DELAYS_MS: readonly number[] = [
  MINUTE,
  ...Array<number>(2).fill(5 * MINUTE),
  ...Array<number>(5).fill(10 * MINUTE),
  ...Array<number>(5).fill(HOUR),
  ...Array<number>(3).fill(6 * HOUR),
];

/** Retries after the original attempt (16). */
export const MAX_RETRIES = RETRY_DELAYS_MS.length;

/** Delay before retry `retry` (1-based), or undefined when the event is given up. */
export function retryDelay(retry: number): number | undefined {
  return RETRY_DELAYS_MS[retry - 1];
}

/** Due times of every attempt (original first) relative to the original, in ms. */
export function attemptOffsets(): number[] {
  let at = 0;
  return [0, ...RETRY_DELAYS_MS.map((d) => (at += d))];
}
