import { countsAgainstRefundable } from "./refund-status.js";

// What may still be refunded of an order: its amount less every refund not
// known to have failed, or less what Juspay reports refunded if that is more
// (refunds made outside this service, e.g. on Juspay's dashboard).

export function refundableMinor(
  order: { amount_minor: bigint; amount_refunded_minor: bigint },
  refunds: readonly { status: string; amount_minor: bigint }[],
): bigint {
  const ours = refunds.filter((r) => countsAgainstRefundable(r.status)).reduce((sum, r) => sum + r.amount_minor, 0n);
  const taken = ours > order.amount_refunded_minor ? ours : order.amount_refunded_minor;
  const left = order.amount_minor - taken;
  return left > 0n ? left : 0n;
}
