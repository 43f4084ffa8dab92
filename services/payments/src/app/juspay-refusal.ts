import type { JuspayError } from "@payments/juspay";

// Juspay said no and did nothing: a 400/404 whose outcome is known. Our own
// setup problems (401/403, configuration) are not this. A write that meets
// one is still checked against Juspay's status before it is failed: an
// earlier attempt whose answer was lost may have gone through.

export function isDefiniteRefusal(err: JuspayError): boolean {
  return err.outcome === "not_applied" && err.httpStatus !== null && (err.kind === "invalid_request" || err.kind === "not_found");
}
