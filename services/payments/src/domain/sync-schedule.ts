// When to look at Juspay again for something still pending: soon after it
// started, then less and less often (each wait half the item's age, within
// [first, max]). Stateless: the schedule follows from the item's age alone,
// so a restart or another replica continues it unchanged.

export function nextSyncDelayMs(ageMs: number, firstDelayMs: number, maxIntervalMs: number): number {
  const half = Math.floor(Math.max(0, ageMs) / 2);
  return Math.min(maxIntervalMs, Math.max(firstDelayMs, half));
}
