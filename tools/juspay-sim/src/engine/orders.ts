import type { SimContext } from "../context.js";
import type { Fields } from "../http/body.js";
import type { Order, Outcome, PaymentMethodType } from "../state/model.js";

// Order lifecycle: creation (POST /orders, /session, signed SDK payloads),
// payment attempts and their outcomes (chosen, or by the sandbox rules),
// status transitions and the webhooks they fire.

export interface PaymentRequest {
  paymentMethodType?: PaymentMethodType;
  /** e.g. VISA, NB_HDFC, UPI, PAYTM; defaults by type. */
  paymentMethod?: string;
  /** UPI VPA; success@upi / failure@upi decide the outcome by the sandbox rules. */
  vpa?: string;
  /** Forces the outcome; otherwise the sandbox rules decide. */
  outcome?: Outcome;
}

/** Creates an order from Juspay-style request fields (order_id, amount, customer_id, …). */
export function createOrder(_ctx: SimContext, _fields: Fields, _source: "api" | "session" | "sdk"): Order {
  throw new Error("not implemented yet");
}

export function findOrder(ctx: SimContext, orderId: string): Order | undefined {
  return ctx.state.orders[orderId];
}

/**
 * Makes a payment attempt on the order (a new txn `<merchant>-<order>-<n>`),
 * moving it through the statuses its outcome implies and firing webhooks.
 * Throws a JuspayError when the order does not exist or cannot be paid.
 */
export function payOrder(_ctx: SimContext, _orderId: string, _payment: PaymentRequest): Order {
  throw new Error("not implemented yet");
}
