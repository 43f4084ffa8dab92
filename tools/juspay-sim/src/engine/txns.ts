import type { SimContext } from "../context.js";
import type { Fields } from "../http/body.js";
import { invalidField, invalidRequest, missingParameter } from "../http/errors.js";
import { DEFAULT_CURRENCY } from "../render/currencies.js";
import { parseAmount, toDecimalString } from "../render/money.js";
import type { Order, Outcome, PaymentMethodType, Txn } from "../state/model.js";
import { INVOICE_NUMBER, findMandate } from "./mandates.js";
import { createOrder, findOrder, payOrder, type PaymentRequest } from "./orders.js";

// POST /txns (reference §2.7, §2.8): a payment attempt on an existing order
// (or on one created in the same call from `order.*` fields), a mandate
// registration attempt (should_create_mandate), or a mandate execution
// (mandate_id: a new order debited against the mandate).

/**
 * Sandbox rule for executions (reference §6, HDFC SmartGateway page): a UPI
 * mandate debit of ₹10, 20, 30 or 40 succeeds, any other amount fails. Other
 * mandates succeed. An execution linked to a failed pre-debit notification
 * fails with JP_851. Executions stay pending for a while, as Juspay's do.
 */
const UPI_EXECUTION_SUCCESS = new Set([1000, 2000, 3000, 4000]);

const TYPES: readonly PaymentMethodType[] = ["CARD", "NB", "UPI", "WALLET", "CASH"];

export function createTxn(ctx: SimContext, fields: Fields): { order: Order; txn: Txn; intent: boolean } {
  return fields["mandate_id"] ? executeMandate(ctx, fields) : payFromFields(ctx, fields);
}

function payFromFields(ctx: SimContext, fields: Fields): { order: Order; txn: Txn; intent: boolean } {
  const order = orderFor(ctx, fields);
  const type = (fields["payment_method_type"] ?? "").toUpperCase() as PaymentMethodType;
  if (!TYPES.includes(type)) throw invalidRequest("INVALID_INPUT", "Invalid payment_method_type");
  if (fields["should_create_mandate"] === "true" && order.mandateRequest === undefined) {
    throw invalidRequest("INVALID_INPUT", "should_create_mandate needs an order created with options.create_mandate");
  }
  // UPI intent: txn_type UPI_PAY, or no VPA to collect from.
  const intent = type === "UPI" && (fields["txn_type"] === "UPI_PAY" || (!fields["upi_vpa"] && fields["txn_type"] !== "UPI_COLLECT"));
  const payment: PaymentRequest = { paymentMethodType: type };
  if (fields["payment_method"]) payment.paymentMethod = fields["payment_method"];
  if (!intent && fields["upi_vpa"]) payment.vpa = fields["upi_vpa"];
  // Card numbers and CVVs are accepted and never stored.
  const paid = payOrder(ctx, order.orderId, payment);
  return { order: paid, txn: paid.txns.at(-1)!, intent };
}

function orderFor(ctx: SimContext, fields: Fields): Order {
  if (fields["order.order_id"] !== undefined) return createOrder(ctx, unprefixed(fields, "order."), "api");
  const orderId = fields["order_id"];
  if (!orderId) throw missingParameter("order_id");
  const order = findOrder(ctx, orderId);
  if (!order) throw invalidRequest("RESOURCE_NOT_FOUND", "Order not found");
  return order;
}

function executeMandate(ctx: SimContext, fields: Fields): { order: Order; txn: Txn; intent: boolean } {
  const mandate = findMandate(ctx, fields["mandate_id"]!);
  const orderFields = unprefixed(fields, "order.");
  if (!orderFields["order_id"]) throw missingParameter("order.order_id");
  if (orderFields["amount"] === undefined) throw invalidRequest("INVALID_INPUT", "Amount not found in request.");
  // A debit is in the mandate's currency (the simulator's reading: Juspay documents no other).
  if ((orderFields["currency"] ?? DEFAULT_CURRENCY) !== mandate.currency) throw invalidRequest("Invalid", "Order currency differs from the mandate's currency");
  const amountMinor = parseAmount(orderFields["amount"], mandate.currency);
  if (amountMinor === undefined || amountMinor <= 0) throw invalidRequest("Invalid", "Invalid order amount");
  if (mandate.status !== "ACTIVE") throw invalidRequest("JP_852", "Mandate is not in ACTIVE state");
  if (mandate.amountRule === "FIXED" && amountMinor !== mandate.maxAmountMinor) {
    throw invalidRequest("Invalid", "Order amount not equal to mandate max amount");
  }
  if (amountMinor > mandate.maxAmountMinor) throw invalidRequest("Invalid", "Order amount greater than mandate max amount");
  const invoice = fields["mandate.display_invoice_number"];
  if (invoice !== undefined && !INVOICE_NUMBER.test(invoice)) throw invalidField("mandate.display_invoice_number");
  const notificationId = fields["mandate.notification_id"];
  const notification = notificationId === undefined ? undefined : Object.values(ctx.state.notifications).find((n) => n.id === notificationId || n.objectReferenceId === notificationId);
  if (notificationId !== undefined && notification?.mandateId !== mandate.mandateId) {
    throw invalidRequest("INVALID_INPUT", "mandate.notification_id does not belong to this mandate");
  }
  orderFields["customer_id"] ??= mandate.customerId;
  const order = createOrder(ctx, orderFields, "api");
  order.executesMandateId = mandate.mandateId;
  const pdnFailed = notification?.settleTo === "FAILURE";
  const succeeds = !pdnFailed && (mandate.paymentMethodType !== "UPI" || UPI_EXECUTION_SUCCESS.has(amountMinor));
  const outcome: Outcome = succeeds ? "pending_then_success" : "pending_then_failure";
  const paid = payOrder(ctx, order.orderId, {
    paymentMethodType: mandate.paymentMethodType,
    paymentMethod: mandate.paymentMethod,
    outcome,
    ...(mandate.payerVpa !== undefined ? { vpa: mandate.payerVpa } : {}),
  });
  const txn = paid.txns.at(-1)!;
  if (pdnFailed) {
    txn.errorCode = "JP_851";
    txn.errorMessage = "Pre-debit notification failed";
  }
  return { order: paid, txn, intent: false };
}

/** The /txns answer: the attempt, where the customer would authenticate, UPI intent parameters. */
export function txnAnswer(ctx: SimContext, order: Order, txn: Txn, intent: boolean): Record<string, unknown> {
  const base = ctx.options.publicBaseUrl ?? "";
  const finished = txn.status !== "PENDING_VBV";
  const payment: Record<string, unknown> = {
    authentication: { method: "GET", url: `${base}/v2/pay/${finished ? "finish" : "start"}/${order.merchantId}/${txn.txnUuid}` },
  };
  if (intent) {
    payment.sdk_params = {
      scheme: order.mandateRequest !== undefined ? "mandate" : "upi",
      uri_params: { pa: "sim@upi", pn: "Simulator", tr: txn.txnId, am: toDecimalString(order.amountMinor, order.currency), cu: order.currency, mc: "5411" },
    };
  }
  return {
    order_id: order.orderId,
    txn_id: txn.txnId,
    txn_uuid: txn.txnUuid,
    status: txn.status,
    payment,
    offer_details: { offers: [] },
  };
}

function unprefixed(fields: Fields, prefix: string): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}
