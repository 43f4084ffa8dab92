// Counts of events an operator must look at (integrity mismatches, refunds in
// manual review, SDK status claims that were wrong). Logged where they happen;
// counted here and passed on to the metrics endpoint (payments_alerts_total).

export type AlertName = "integrity_mismatch" | "refund_manual_review" | "sdk_status_mismatch" | "juspay_auth_failed";

export class AlertCounters {
  private readonly counts = new Map<AlertName, number>();

  /** `onAlert` hears of each one (the metrics counter); the app layer knows nothing of Prometheus. */
  constructor(private readonly onAlert: (name: AlertName) => void = () => {}) {}

  inc(name: AlertName): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.onAlert(name);
  }

  get(name: AlertName): number {
    return this.counts.get(name) ?? 0;
  }

  snapshot(): Record<AlertName, number> {
    const names: AlertName[] = ["integrity_mismatch", "refund_manual_review", "sdk_status_mismatch", "juspay_auth_failed"];
    return Object.fromEntries(names.map((n) => [n, this.get(n)])) as Record<AlertName, number>;
  }
}
