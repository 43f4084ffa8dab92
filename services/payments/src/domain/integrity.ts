import type { JuspayOrder } from "@payments/juspay";

// Juspay's fraud-prevention rule: before believing a payment, check that the
// order id, amount and currency Juspay reports are ours. A mismatch never
// marks an order paid; it is flagged for a human.

export interface OurOrderFacts {
  orderId: string;
  amountMinor: bigint;
  currency: string;
}

/** The fields that disagree (names only, never values: they go to logs), or null. */
export function integrityIssue(ours: OurOrderFacts, reported: Pick<JuspayOrder, "orderId" | "amountMinor" | "currency">): string | null {
  const issues: string[] = [];
  if (reported.orderId !== ours.orderId) issues.push("order_id");
  if (reported.amountMinor === null || BigInt(reported.amountMinor) !== ours.amountMinor) issues.push("amount");
  if (reported.currency !== null && reported.currency !== ours.currency) issues.push("currency");
  return issues.length === 0 ? null : `${issues.join(", ")} differ from our order`;
}
