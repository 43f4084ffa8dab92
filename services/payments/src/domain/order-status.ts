import { paymentPhase, type OrderStatus as JuspayOrderStatus, type PaymentPhase } from "@payments/juspay";

// Our order state machine. Juspay's order status is the truth, but reads and
// webhooks race and arrive out of order, so a transition is applied only if
// it cannot be a step backwards: a terminal state never moves, and a paid
// order is never pulled back (Juspay: NEW -> PENDING_VBV -> CHARGED).

/** Order statuses as stored: the proto OrderStatus name without its prefix. */
export type StoredOrderStatus = JuspayOrderStatus | "INTEGRITY_MISMATCH";

/**
 * No automatic change after these. A failed attempt is not here: the
 * customer may retry on the same order id. INTEGRITY_MISMATCH waits for a human.
 */
const TERMINAL = new Set<string>(["CHARGED", "AUTO_REFUNDED", "VOIDED", "INTEGRITY_MISMATCH"]);

export function isTerminalOrderStatus(status: string): boolean {
  return TERMINAL.has(status);
}

/**
 * Whether this order can no longer change. A mandate debit that failed is
 * over too: Juspay does not retry it, a new debit needs a new order id
 * (order.proto `terminal`).
 */
export function isTerminalOrder(order: { status: string; order_type: string }): boolean {
  if (isTerminalOrderStatus(order.status)) return true;
  return order.order_type === "MANDATE_EXECUTION" && (order.status === "FAILURE" || phaseOf(order.status) === "attempt_failed");
}

/** Statuses that mean money moved (or will): the amount must match before we believe them. */
export function isMoneyMovingStatus(status: string): boolean {
  const phase = phaseOf(status);
  return phase === "succeeded" || phase === "authorized" || phase === "auto_refunded";
}

export function phaseOf(status: string): PaymentPhase | "integrity_mismatch" {
  if (status === "INTEGRITY_MISMATCH") return "integrity_mismatch";
  return paymentPhase(status as JuspayOrderStatus);
}

/** Whether an order in `current` may take `next` as reported by Juspay. */
export function mayTransition(current: string, next: string): boolean {
  if (current === next) return false;
  if (isTerminalOrderStatus(current)) return false;
  // An older read saying "nothing happened yet" never hides a later attempt.
  const nextPhase = phaseOf(next);
  if ((nextPhase === "not_started" || nextPhase === "not_found") && phaseOf(current) !== "not_started") return false;
  return true;
}
