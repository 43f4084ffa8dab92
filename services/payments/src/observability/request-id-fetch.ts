import { currentRequestId, REQUEST_ID_HEADER } from "./request-context.js";

/**
 * Sends the current request id to Juspay in `x-request-id`, so Juspay's logs
 * and a support ticket can be matched with ours. The Juspay client already
 * puts a random id per call there (the same on each retry of the call); its
 * first 8 characters stay as a suffix (`<request id>:<8 hex>`), so two calls
 * made for one RPC still differ.
 */
export function requestIdFetch(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const requestId = currentRequestId();
    if (requestId === undefined) return inner(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const perCall = headers.get(REQUEST_ID_HEADER)?.replace(/[^A-Za-z0-9]/g, "").slice(0, 8);
    headers.set(REQUEST_ID_HEADER, perCall ? `${requestId}:${perCall}` : requestId);
    return inner(input, { ...init, headers });
  };
}
