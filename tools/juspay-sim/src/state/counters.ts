// What tests and operators want to count: requests per route, requests no
// route took (answered 404, e.g. an undocumented path a client guessed), the
// distinct refund unique_request_ids each order has seen (a second id for the
// same refund is exactly the double-refund bug the service must not have),
// and the API requests that came without `x-routing-id` (Juspay: "crucial
// that you use the same x-routing-id for all requests tied to the same
// customer"; it does not refuse a call without one, so neither does the
// simulator: it counts them, and a test asserts there are none).

export interface CountersSnapshot {
  requests: Record<string, number>;
  uniqueRequestIdsPerOrder: Record<string, string[]>;
  /** Requests no route took, by "METHOD /path". */
  unrouted: Record<string, number>;
  /** Juspay API requests (Basic-auth routes) without an `x-routing-id` header, per route. */
  withoutRoutingId: Record<string, number>;
}

export class Counters {
  private readonly requests = new Map<string, number>();
  private readonly refundIds = new Map<string, Set<string>>();
  private readonly unrouted = new Map<string, number>();
  private readonly missingRoutingIds = new Map<string, number>();

  countRequest(route: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
  }

  /** A request no route took, by "METHOD /path". */
  countUnrouted(method: string, path: string): void {
    const key = `${method} ${path}`;
    this.unrouted.set(key, (this.unrouted.get(key) ?? 0) + 1);
  }

  countMissingRoutingId(route: string): void {
    this.missingRoutingIds.set(route, (this.missingRoutingIds.get(route) ?? 0) + 1);
  }

  noteRefundRequest(orderId: string, uniqueRequestId: string): void {
    let ids = this.refundIds.get(orderId);
    if (!ids) this.refundIds.set(orderId, (ids = new Set()));
    ids.add(uniqueRequestId);
  }

  snapshot(): CountersSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      uniqueRequestIdsPerOrder: Object.fromEntries([...this.refundIds].map(([order, ids]) => [order, [...ids]])),
      unrouted: Object.fromEntries(this.unrouted),
      withoutRoutingId: Object.fromEntries(this.missingRoutingIds),
    };
  }

  requestsTo(route: string): number {
    return this.requests.get(route) ?? 0;
  }

  reset(): void {
    this.requests.clear();
    this.refundIds.clear();
    this.unrouted.clear();
    this.missingRoutingIds.clear();
  }
}
