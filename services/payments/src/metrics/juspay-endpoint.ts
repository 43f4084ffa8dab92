// A Juspay request's endpoint as a low-cardinality name for metrics and span
// names: the method and the path template, e.g. "GET /orders/:id". Segments
// that are not one of Juspay's fixed path words become ":id", so order,
// refund, customer and mandate ids never reach a label, and the set of
// names stays as small as the set of paths the client calls.

const FIXED_SEGMENTS = ["orders", "refunds", "customers", "mandates", "notifications", "session", "txns", "order-status", "v2", "v4"];
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

export type EndpointNamer = (method: string | undefined, url: string) => string;

/**
 * Names requests under `baseUrl` (whose own path prefix is left out).
 * `extraPathTemplates` are configured paths such as an execution-status
 * path "/txns/v2/orders/{order_id}": their fixed words are kept too.
 */
export function juspayEndpointNamer(baseUrl: string, extraPathTemplates: readonly string[] = []): EndpointNamer {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, "");
  const fixed = new Set(FIXED_SEGMENTS);
  for (const template of extraPathTemplates) {
    for (const segment of template.split("/")) if (segment !== "" && !segment.includes("{")) fixed.add(segment);
  }
  return (method, url) => {
    const verb = (method ?? "GET").toUpperCase();
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      return `${METHODS.has(verb) ? verb : "OTHER"} (invalid url)`;
    }
    if (prefix !== "" && path.startsWith(prefix)) path = path.slice(prefix.length);
    const template = path
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => (fixed.has(segment) ? segment : ":id"))
      .join("/");
    return `${METHODS.has(verb) ? verb : "OTHER"} /${template}`;
  };
}
