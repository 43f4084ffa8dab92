// What tests and operators want to count: requests per route, requests no
// route took (answered 404, e.g. an undocumented path a client guessed), and
// the distinct refund unique_request_ids each order has seen (a second id for
// the same refund is exactly the double-refund bug the service must not have).

export class Counters {
  private readonly requests = new Map<string, number>();
  private readonly refundIds = new Map<string, Set<string>>();
  private readonly unrouted = new Map<string, number>();

  countRequest(route: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
  }

  /** A request no route took, by "METHOD /path". */
  countUnrouted(method: string, path: string): void {
    const key = `${method} ${path}`;
    this.unrouted.set(key, (this.unrouted.get(key) ?? 0) + 1);
  }

  noteRefundRequest(orderId: string, uniqueRequestId: string): void {
    let ids = this.refundIds.get(orderId);
    if (!ids) this.refundIds.set(orderId, (ids = new Set()));
    ids.add(uniqueRequestId);
  }

  snapshot(): { requests: Record<string, number>; uniqueRequestIdsPerOrder: Record<string, string[]>; unrouted: Record<string, number> } {
    return {
      requests: Object.fromEntries(this.requests),
      uniqueRequestIdsPerOrder: Object.fromEntries([...this.refundIds].map(([order, ids]) => [order, [...ids]])),
      unrouted: Object.fromEntries(this.unrouted),
    };
  }

  requestsTo(route: string): number {
    return this.requests.get(route) ?? 0;
  }

  reset(): void {
    this.requests.clear();
    this.refundIds.clear();
    this.unrouted.clear();
  }
}
