import type { SimContext } from "../context.js";
import { isoTime, newId } from "../context.js";
import type { Fields } from "../http/body.js";
import { JuspayError, invalidField, invalidRequest, missingParameter, orderNotFound } from "../http/errors.js";
import { DEFAULT_CURRENCY, decimalsOf } from "../render/currencies.js";
import { parseAmount } from "../render/money.js";
import { currentTxn, emitOrderEvent, emitTxnEvent } from "../render/order.js";
import type { Order, OrderStatus, Outcome, PaymentMethodType, Txn } from "../state/model.js";
import { orderKey, orderRecord } from "../state/order-key.js";
import { requireMandateCustomer } from "./mandate-customer.js";
import { mandateTerms } from "./mandate-rules.js";
import { settleRefunds } from "./refunds.js";
import {
  CLIENT_AUTH_TOKEN_TTL_MS,
  LATE_SUCCESS_AFTER_MS,
  MAX_TXNS_PER_ORDER,
  PENDING_TXN_SETTLE_MS,
  attemptPlan,
  failureReason,
  sandboxOutcome,
} from "./sandbox.js";

// Order lifecycle: creation (POST /orders, /session, signed SDK payloads),
// updates, payment attempts and their outcomes (chosen, or by the sandbox
// rules in sandbox.ts), status transitions and the webhooks they fire.
// Pending attempts settle on clock timers and, so that `clock.advance()` +
// read always shows it, lazily whenever an order is looked up (findOrder).

export interface PaymentRequest {
  paymentMethodType?: PaymentMethodType;
  /** e.g. VISA, NB_HDFC, UPI, PAYTM; defaults by type. */
  paymentMethod?: string;
  /** UPI VPA; success@upi / failure@upi decide the outcome by the sandbox rules. */
  vpa?: string;
  /** Forces the outcome; otherwise the sandbox rules decide. */
  outcome?: Outcome;
}

/** Called after every txn status change, before its webhooks (e.g. to create a mandate on a registration charge). */
export type TxnListener = (ctx: SimContext, order: Order, txn: Txn) => void;
const listeners = new Set<TxnListener>();

/** Registers a listener for txn status changes; returns its removal. */
export function onTxnStatus(listener: TxnListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Juspay says "alphanumeric, < 21 chars"; its own samples use '-', '_' too
// (testing-order-one, sample_ord_200), so those pass. Anything that would
// break a URL path, or is longer than 20, does not.
const ORDER_ID = /^[A-Za-z0-9_.-]{1,20}$/;
const UDF_MAX = 255;
/**
 * udf1-udf5 take no special characters ("please use UDF 6 to 10", reference
 * §1.4). Juspay lists none; the simulator refuses anything beyond ASCII
 * letters, digits, space, "." "_" "-" (its reading; README "Fidelity").
 */
const PLAIN_UDF = /^[A-Za-z0-9 ._-]*$/;
const ADDRESS_PARTS = ["first_name", "last_name", "line1", "line2", "line3", "city", "state", "country", "postal_code", "phone", "country_code_iso"];

function parseOrderAmount(text: string | undefined, currency: string): number {
  if (text === undefined || text.trim() === "") throw missingParameter("amount");
  const minor = parseAmount(text, currency);
  if (minor === undefined || minor <= 0) throw invalidRequest("INVALID_INPUT", "Invalid order amount");
  return minor;
}

function readAddress(fields: Fields, prefix: "billing_address_" | "shipping_address_", into: Record<string, string> = {}): Record<string, string> {
  for (const part of ADDRESS_PARTS) {
    const value = fields[prefix + part];
    if (value !== undefined) into[part] = value;
  }
  return into;
}

function readUdfs(fields: Fields, into: string[] = []): string[] {
  for (let i = 1; i <= 10; i++) {
    const value = fields[`udf${i}`];
    if (value === undefined) continue;
    if (value.length > UDF_MAX) throw invalidRequest("INVALID_INPUT", `udf${i} must be at most ${UDF_MAX} characters`);
    if (i <= 5 && !PLAIN_UDF.test(value)) throw invalidField(`udf${i}`);
    into[i - 1] = value;
  }
  return Array.from({ length: 10 }, (_, i) => into[i] ?? "");
}

function prefixed(fields: Fields, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}

/** Creates an order from Juspay-style request fields (order_id, amount, customer_id, …). */
export function createOrder(ctx: SimContext, fields: Fields, source: "api" | "session" | "sdk"): Order {
  const orderId = fields["order_id"]?.trim();
  if (!orderId) throw missingParameter("order_id");
  if (!ORDER_ID.test(orderId)) throw invalidRequest("INVALID_INPUT", "order_id must be alphanumeric and less than 21 characters");
  const currency = (fields["currency"] ?? DEFAULT_CURRENCY).trim().toUpperCase() || DEFAULT_CURRENCY;
  // An unknown code, or one with more decimals than Juspay's amounts carry (render/currencies.ts).
  if (decimalsOf(currency) === undefined) throw invalidRequest("INVALID_INPUT", "Invalid currency");
  const amountMinor = parseOrderAmount(fields["amount"], currency);
  if (orderRecord(ctx.state, orderId)) {
    // Juspay documents one duplicate-order answer (POST /txns creating an
    // order, reference §1.5); POST /orders and /session answer with it too.
    // An id differing only in letter case is the same order (state/order-key.ts).
    throw new JuspayError(400, { status_id: 40, status: "DUPLICATE_ORDER_ID", error_message: "Order already exists with the given order_id" });
  }
  const udfs = readUdfs(fields);
  const metadata = prefixed(fields, "metadata.");
  if (source !== "api") metadata["payment_page_client_id"] ??= fields["payment_page_client_id"] ?? ctx.options.clientId;
  const mandateFields = Object.entries(fields).filter(([k]) => k.startsWith("mandate.") || k === "mandate_max_amount" || k === "options.create_mandate");
  const now = ctx.clock.now();
  const order: Order = {
    id: newId("ordeh_"),
    orderId,
    merchantId: ctx.options.merchantId,
    status: "NEW",
    amountMinor,
    currency,
    customerId: fields["customer_id"] ?? "",
    customerEmail: fields["customer_email"] ?? "",
    customerPhone: fields["customer_phone"] ?? "",
    description: fields["description"] ?? "",
    productId: fields["product_id"] ?? "",
    returnUrl: fields["return_url"] ?? "",
    udfs,
    billingAddress: readAddress(fields, "billing_address_"),
    shippingAddress: readAddress(fields, "shipping_address_"),
    metadata,
    createdAt: now,
    updatedAt: now,
    txns: [],
    refunds: [],
  };
  if (mandateFields.length > 0) {
    // Bad registration parameters fail the order as Juspay would (400).
    mandateTerms(fields, amountMinor, currency, now);
    requireMandateCustomer(ctx, fields);
    order.mandateRequest = Object.fromEntries(mandateFields);
  }
  ctx.state.orders[orderKey(orderId)] = order;
  ctx.changed();
  return order;
}

/**
 * `juspay {client_auth_token, client_auth_token_expiry}` (15 minutes), for
 * options.get_client_auth_token=true and sessions. Given an order, the token
 * is kept on it so the SDK side can check what the app presents.
 */
export function issueClientAuthToken(ctx: SimContext, order?: Order): { client_auth_token: string; client_auth_token_expiry: string } {
  const token = newId("tkn_");
  const expiry = ctx.clock.now() + CLIENT_AUTH_TOKEN_TTL_MS;
  if (order) {
    order.clientAuthToken = token;
    order.clientAuthTokenExpiry = expiry;
    ctx.changed();
  }
  return { client_auth_token: token, client_auth_token_expiry: isoTime(expiry) };
}

/** The order (in any letter case), with every transition that is due by the simulated clock applied first. */
export function findOrder(ctx: SimContext, orderId: string): Order | undefined {
  const order = orderRecord(ctx.state, orderId);
  if (order) syncOrder(ctx, order);
  return order;
}

/** findOrder, or Juspay's "order not found" error. */
export function requireOrder(ctx: SimContext, orderId: string): Order {
  const order = findOrder(ctx, orderId);
  if (!order) throw orderNotFound(orderId);
  return order;
}

function hasSucceeded(order: Order): boolean {
  return order.txns.some((t) => t.status === "CHARGED" || t.status === "COD_INITIATED" || t.status === "AUTO_REFUNDED");
}

/** POST /orders/:id: amount, addresses and UDFs only; a paid order is an INVALID_ACTION (reference §2.5). */
export function updateOrder(ctx: SimContext, orderId: string, fields: Fields): Order {
  const order = requireOrder(ctx, orderId);
  if (hasSucceeded(order)) throw invalidRequest("INVALID_ACTION", "Order is already charged and cannot be updated");
  // Every check before any change: a refused update changes nothing.
  const amountMinor = fields["amount"] === undefined ? order.amountMinor : parseOrderAmount(fields["amount"], order.currency);
  const udfs = readUdfs(fields, [...order.udfs]);
  order.amountMinor = amountMinor;
  readAddress(fields, "billing_address_", order.billingAddress);
  readAddress(fields, "shipping_address_", order.shippingAddress);
  order.udfs = udfs;
  order.updatedAt = ctx.clock.now();
  ctx.changed();
  return order;
}

const DEFAULT_METHOD: Record<PaymentMethodType, string> = { CARD: "VISA", NB: "NB_AXIS", UPI: "UPI", WALLET: "PAYTM", CASH: "CASH" };
const FLOW: Record<PaymentMethodType, string> = { CARD: "CARD_TRANSACTION", NB: "NET_BANKING", UPI: "COLLECT", WALLET: "WALLET_TRANSACTION", CASH: "CASH_PAY" };

function txnObjectType(order: Order, type: PaymentMethodType): string {
  const prefix = type === "CARD" ? "MANDATE" : "EMANDATE";
  if (order.executesMandateId !== undefined) return `${prefix}_PAYMENT`;
  if (order.mandateRequest !== undefined) return `${prefix}_REGISTER`;
  return "ORDER_PAYMENT";
}

/**
 * Makes a payment attempt on the order (a new txn `<merchant>-<order>-<n>`),
 * moving it through the statuses its outcome implies and firing webhooks.
 * Throws a JuspayError when the order does not exist or cannot be paid.
 */
export function payOrder(ctx: SimContext, orderId: string, payment: PaymentRequest): Order {
  const order = requireOrder(ctx, orderId);
  if (hasSucceeded(order)) throw invalidRequest("INVALID_ACTION", `Order is already ${order.status === "AUTO_REFUNDED" ? "auto-refunded" : "paid"}`);
  if (order.txns.length >= MAX_TXNS_PER_ORDER) throw invalidRequest("INVALID_ACTION", `Maximum of ${MAX_TXNS_PER_ORDER} transactions reached for this order`);
  const type = payment.paymentMethodType ?? (payment.vpa !== undefined ? "UPI" : "CARD");
  const outcome = payment.outcome ?? sandboxOutcome(order.amountMinor, type, payment.vpa);
  const plan = attemptPlan(outcome, type);
  const now = ctx.clock.now();
  const attempt = order.txns.length + 1;
  const txn: Txn = {
    txnId: `${order.merchantId}-${order.orderId}-${attempt}`,
    txnUuid: newId("moz", 8),
    attempt,
    status: "PENDING_VBV",
    paymentMethodType: type,
    paymentMethod: payment.paymentMethod ?? DEFAULT_METHOD[type],
    txnFlowType: type === "UPI" && payment.vpa === undefined ? "INTENT" : FLOW[type],
    txnObjectType: txnObjectType(order, type),
    amountMinor: order.amountMinor,
    gateway: type === "CASH" ? "CASH" : "DUMMY",
    gatewayId: type === "CASH" ? 700 : 100,
    errorCode: null,
    errorMessage: "",
    createdAt: now,
  };
  if (type === "UPI") txn.payerVpa = payment.vpa ?? "9999999999@upi";
  if (order.executesMandateId !== undefined) txn.sourceObjectId = order.executesMandateId;
  order.txns.push(txn);
  order.status = currentTxn(order)?.status ?? order.status;
  order.updatedAt = now;
  ctx.changed();
  notify(ctx, order, txn);
  emitOrderEvent(ctx, "TXN_CREATED", order);
  if (plan.settleTo === undefined) {
    transition(ctx, order, txn, plan.immediate);
  } else {
    txn.settleAt = now + PENDING_TXN_SETTLE_MS;
    txn.settleTo = plan.settleTo;
    if (plan.lateSuccess) txn.lateSuccessAt = txn.settleAt + LATE_SUCCESS_AFTER_MS;
    scheduleTxn(ctx, order.orderId, txn);
  }
  return order;
}

function scheduleTxn(ctx: SimContext, orderId: string, txn: Txn): void {
  const run = (): void => void findOrder(ctx, orderId);
  if (txn.settleAt !== undefined) ctx.clock.at(txn.settleAt, run);
  if (txn.lateSuccessAt !== undefined) ctx.clock.at(txn.lateSuccessAt, run);
}

function notify(ctx: SimContext, order: Order, txn: Txn): void {
  for (const listener of listeners) listener(ctx, order, txn);
}

const FAILED: ReadonlySet<OrderStatus> = new Set(["AUTHORIZATION_FAILED", "AUTHENTICATION_FAILED", "JUSPAY_DECLINED"]);

/** Moves a txn to a new status, recomputes the order's and fires the webhooks that go with it. */
function transition(ctx: SimContext, order: Order, txn: Txn, to: OrderStatus): void {
  const success = to === "CHARGED" || to === "COD_INITIATED";
  // A second success on an already charged order is refunded by Juspay, not kept.
  const duplicate = success && order.txns.some((t) => t !== txn && (t.status === "CHARGED" || t.status === "COD_INITIATED"));
  txn.status = duplicate ? "AUTO_REFUNDED" : to;
  const reason = failureReason(txn.status);
  txn.errorCode = reason ? reason[0] : null;
  txn.errorMessage = reason ? reason[1] : "";
  order.status = currentTxn(order)?.status ?? order.status;
  order.updatedAt = ctx.clock.now();
  ctx.changed();
  notify(ctx, order, txn);
  if (txn.status === "CHARGED") {
    emitTxnEvent(ctx, "TXN_CHARGED", order, txn);
    emitOrderEvent(ctx, "ORDER_SUCCEEDED", order);
  } else if (FAILED.has(txn.status)) {
    emitTxnEvent(ctx, "TXN_FAILED", order, txn);
    // The order failed only if no other attempt charged it or is still pending.
    if (order.status === txn.status) emitOrderEvent(ctx, "ORDER_FAILED", order);
  } else if (txn.status === "AUTO_REFUNDED") {
    emitOrderEvent(ctx, "AUTO_REFUND_SUCCEEDED", order);
  }
}

/**
 * The bank reports success for an attempt Juspay already failed: Juspay
 * refunds it in full (txn AUTO_REFUNDED; the order too unless another
 * attempt charged it or is still pending).
 */
function lateSuccess(ctx: SimContext, order: Order, txn: Txn): void {
  const now = ctx.clock.now();
  const otherLive = order.txns.some((t) => t !== txn && (t.status === "CHARGED" || t.status === "COD_INITIATED" || t.settleTo !== undefined));
  if (!otherLive) {
    const id = newId("AR", 7);
    order.refunds.push({
      id,
      uniqueRequestId: id,
      amountMinor: txn.amountMinor,
      status: "SUCCESS",
      sentToGateway: true,
      refundType: "STANDARD",
      initiatedBy: "AUTO_REFUNDED",
      errorCode: "00",
      errorMessage: "Refund Success",
      createdAt: now,
      sendAt: now,
      settleAt: now,
      settleTo: "SUCCESS",
      ref: `rfnd_${id}`,
      arn: null,
    });
  }
  txn.status = "AUTO_REFUNDED";
  txn.errorCode = null;
  txn.errorMessage = "";
  order.status = currentTxn(order)?.status ?? order.status;
  order.updatedAt = now;
  ctx.changed();
  notify(ctx, order, txn);
  emitOrderEvent(ctx, "AUTO_REFUND_SUCCEEDED", order);
}

/** Applies every txn and refund move that is due by the simulated clock. Idempotent. */
export function syncOrder(ctx: SimContext, order: Order): void {
  const now = ctx.clock.now();
  for (const txn of order.txns) {
    if (txn.settleAt !== undefined && txn.settleTo !== undefined && txn.settleAt <= now) {
      const to = txn.settleTo;
      delete txn.settleAt;
      delete txn.settleTo;
      transition(ctx, order, txn, to);
    }
    if (txn.lateSuccessAt !== undefined && txn.settleAt === undefined && txn.lateSuccessAt <= now) {
      delete txn.lateSuccessAt;
      if (FAILED.has(txn.status)) lateSuccess(ctx, order, txn);
    }
  }
  settleRefunds(ctx, order);
}
