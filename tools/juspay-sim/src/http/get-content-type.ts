import type { IncomingHttpHeaders } from "node:http";
import { invalidRequest, type JuspayError } from "./errors.js";

// Juspay's Order Status pages list `Content-Type:
// application/x-www-form-urlencoded` among the headers of the GET, tagged
// "Required" (juspay.io/br/docs/hypercheckout-global/web/base-sdk-integration/order-status-api,
// juspay.io/sea/docs/api-reference-global/docs/mandates/order-status-api);
// Juspay's Node SDK sends it on every call. A GET to the API without one is
// refused, so a client that leaves it out is caught here and not in production.
// What Juspay answers instead is UNCONFIRMED: the error below is ours.

/** Media types accepted on an API GET (form, as documented; JSON, as some pages' summaries show). */
const ACCEPTED = new Set(["application/x-www-form-urlencoded", "application/json"]);

/** The refusal for an API GET whose Content-Type is missing or not one Juspay documents; undefined when it is fine. */
export function getContentTypeProblem(headers: IncomingHttpHeaders): JuspayError | undefined {
  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (ACCEPTED.has(type)) return undefined;
  return invalidRequest(
    "MISSING_MANDATORY_PARAMETER",
    type === "" ? "Mandatory header is missing: Content-Type" : `Content-Type must be application/x-www-form-urlencoded, got ${type}`,
  );
}
