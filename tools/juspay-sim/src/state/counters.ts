// What tests and operators want to count: requests per route, and the
// distinct refund unique_request_ids each order has seen (a second id for the
// same refund is exactly the double-refund bug the service must not have).

export class Counters {
  private readonly requests = new Map<string, number>();
  private readonly refundIds = new Map<string, Set<string>>();

  countRequest(route: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
  }

  noteRefundRequest(orderId: string, uniqueRequestId: string): void {
    let ids = this.refundIds.get(orderId);
    if (!ids) this.refundIds.set(orderId, (ids = new Set()));
    ids.add(uniqueRequestId);
  }

  snapshot(): { requests: Record<string, number>; uniqueRequestIdsPerOrder: Record<string, string[]> } {
    return {
      requests: Object.fromEntries(this.requests),
      uniqueRequestIdsPerOrder: Object.fromEntries([...this.refundIds].map(([order, ids]) => [order, [...ids]])),
    };
  }

  requestsTo(route: string): number {
    return this.requests.get(route) ?? 0;
  }

  reset(): void {
    this.requests.clear();
    this.refundIds.clear();
  }
}
