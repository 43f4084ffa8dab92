// Exact secret values this process holds (the Juspay API key, the webhook
// password, service tokens): no pattern recognises an arbitrary key, so the
// code that reads them registers them here and every log line is cleaned of
// them, also in their base64 forms (an HTTP Basic header carries
// base64("key:")).

const MIN_SECRET_LENGTH = 8;
const known = new Set<string>();
let longestFirst: string[] = [];

/** Adds secret values to mask everywhere (shorter than 8 characters: ignored, they would mask ordinary words). */
export function rememberSecrets(...values: (string | undefined | null)[]): void {
  for (const value of values) {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) continue;
    known.add(value);
    known.add(Buffer.from(value, "utf8").toString("base64"));
    known.add(Buffer.from(`${value}:`, "utf8").toString("base64"));
  }
  // Longest first, so a secret containing another is masked whole.
  longestFirst = [...known].sort((a, b) => b.length - a.length);
}

/** Every registered secret and its base64 forms. */
export function rememberedSecrets(): readonly string[] {
  return longestFirst;
}
