// Fault injection: per route, per call, scriptable in sequence ("503, 503,
// then OK"; "accept the refund, then never answer"). Rules are taken in the
// order they were added; each applies to `times` matching calls (default 1).

export type Fault =
  /** Answer normally after this much extra real-time delay. */
  | { kind: "latency"; ms: number }
  /** Answer with this HTTP status without running the handler; body JSON (Juspay-like) or an HTML error page. */
  | { kind: "status"; status: number; body?: "json" | "html" }
  /** 429 with a Retry-After header, handler not run. */
  | { kind: "rate_limit"; retryAfterSeconds: number }
  /** The request takes effect, then the connection drops after the headers and part of the body. */
  | { kind: "reset" }
  /** Never answer. With `afterHandler`, the request takes effect first (an accepted refund whose response times out). */
  | { kind: "hang"; afterHandler?: boolean }
  /** The request takes effect, and the answer is 200 with truncated JSON. */
  | { kind: "malformed_json" };

export interface FaultRule {
  /** Route name (see the route table, e.g. "refund_order") or "*" for every route. */
  route: string;
  fault: Fault;
  /** How many matching calls it applies to; Infinity for all. Default 1. */
  times?: number;
  /** Only calls whose path contains this string (e.g. an order id). */
  pathIncludes?: string;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

export class FaultPlan {
  private rules: ActiveRule[] = [];

  add(...rules: FaultRule[]): void {
    for (const rule of rules) {
      validateFault(rule.fault);
      this.rules.push({ ...rule, remaining: rule.times ?? 1 });
    }
  }

  /** The fault for this call, if a rule matches; consumes one use of it. */
  take(route: string, path: string): Fault | undefined {
    const rule = this.rules.find(
      (r) => (r.route === "*" || r.route === route) && (r.pathIncludes === undefined || path.includes(r.pathIncludes)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }

  list(): FaultRule[] {
    return this.rules.map(({ remaining, ...rule }) => ({ ...rule, times: remaining }));
  }

  clear(): void {
    this.rules = [];
  }
}

const KINDS = new Set(["latency", "status", "rate_limit", "reset", "hang", "malformed_json"]);

export function validateFault(fault: Fault): void {
  if (!fault || !KINDS.has(fault.kind)) throw new Error(`unknown fault kind ${JSON.stringify((fault as { kind?: unknown })?.kind)}`);
  if (fault.kind === "status" && !(fault.status >= 400 && fault.status <= 599)) throw new Error("status fault needs a 4xx or 5xx status");
  if (fault.kind === "latency" && !(fault.ms >= 0)) throw new Error("latency fault needs ms >= 0");
  if (fault.kind === "rate_limit" && !(fault.retryAfterSeconds >= 0)) throw new Error("rate_limit fault needs retryAfterSeconds >= 0");
}
