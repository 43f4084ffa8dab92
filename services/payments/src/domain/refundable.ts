import { countsAgainstRefundable } from "./refund-status.js";

// What may still be refunded of an order: what was charged less every refund
// not known to have failed, or less what Juspay reports refunded if that is
// more (refunds made outside this service, e.g. on Juspay's dashboard).

export interface RefundableOrder {
  status: string;
  amount_minor: bigint;
  charged_amount_minor: bigint | null;
  amount_refunded_minor: bigint;
}

/**
 * What was charged, or null when nothing is refundable. A CHARGED order: our
 * amount (Juspay's was checked equal). An order flagged INTEGRITY_MISMATCH:
 * the amount Juspay reports it charged, never our row's (ADR 0025); null
 * until Juspay reports it CHARGED in our currency.
 */
export function chargedMinor(order: RefundableOrder): bigint | null {
  if (order.status === "CHARGED") return order.amount_minor;
  if (order.status === "INTEGRITY_MISMATCH") return order.charged_amount_minor;
  return null;
}

export function refundableMinor(order: RefundableOrder, refunds: readonly { status: string; amount_minor: bigint }[]): bigint {
  const charged = chargedMinor(order);
  if (charged === null) return 0n;
  const ours = refunds.filter((r) => countsAgainstRefundable(r.status)).reduce((sum, r) => sum + r.amount_minor, 0n);
  const taken = ours > order.amount_refunded_minor ? ours : order.amount_refunded_minor;
  const left = charged - taken;
  return left > 0n ? left : 0n;
}
