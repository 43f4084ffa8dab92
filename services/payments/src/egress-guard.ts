// The service talks to one host on the internet: Juspay. Its HTTP client gets
// a fetch that refuses any other origin, so no caller-supplied URL (a
// return_url, a webhook's content) can ever be fetched by mistake (SSRF).

export class EgressRefusedError extends Error {
  constructor(origin: string) {
    super(`outbound request to ${origin} refused: only the configured Juspay origin may be called`);
    this.name = "EgressRefusedError";
  }
}

/** A fetch that only reaches `allowedBaseUrl`'s origin; `onRefused` hears of every other attempt. */
export function egressGuardedFetch(allowedBaseUrl: string, onRefused: (origin: string) => void = () => {}, inner: typeof fetch = globalThis.fetch): typeof fetch {
  const allowed = new URL(allowedBaseUrl).origin;
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const origin = new URL(url).origin;
    if (origin !== allowed) {
      onRefused(origin);
      return Promise.reject(new EgressRefusedError(origin));
    }
    return inner(input, init);
  };
}
