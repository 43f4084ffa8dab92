import { createHash } from "node:crypto";
import type { SimContext } from "../context.js";
import { isoTime } from "../context.js";
import type { Order, OrderStatus, Txn } from "../state/model.js";
import { mandateBlock } from "./mandate.js";
import { toMajorUnits } from "./money.js";
import { amountRefundedMinor, renderRefunds } from "./refund.js";

// Orders as Juspay's API writes them: the create/update answer and the full
// order-status object (GET /orders/:id, webhooks' content.order), keyed and
// typed like fixtures/juspay/orders/** and webhooks/**.

/** status → status_id (reference §2.3). */
export const STATUS_ID: Record<OrderStatus, number> = {
  CREATED: 1,
  NEW: 10,
  STARTED: 20,
  CHARGED: 21,
  JUSPAY_DECLINED: 22,
  PENDING_VBV: 23,
  VBV_SUCCESSFUL: 24,
  AUTHORIZED: 25,
  AUTHENTICATION_FAILED: 26,
  AUTHORIZATION_FAILED: 27,
  AUTHORIZING: 28,
  COD_INITIATED: 29,
  VOIDED: 31,
  VOID_INITIATED: 32,
  CAPTURE_INITIATED: 33,
  CAPTURE_FAILED: 34,
  VOID_FAILED: 35,
  AUTO_REFUNDED: 36,
};

export interface RenderOptions {
  /** options.add_full_gateway_response=true: adds payment_gateway_response.gateway_response. */
  fullGatewayResponse?: boolean;
}

function baseUrl(ctx: SimContext): string {
  return ctx.options.publicBaseUrl ?? `http://${ctx.options.host}:${ctx.options.port}`;
}

export function paymentLinks(ctx: SimContext, order: Order): Record<string, string> {
  const base = baseUrl(ctx);
  return {
    web: `${base}/merchant/pay/${order.id}`,
    mobile: `${base}/merchant/pay/${order.id}?mobile=true`,
    iframe: `${base}/merchant/ipay/${order.id}`,
  };
}

/** The payment page link of session orders (`/orders/<id>/payment-page`). */
export function paymentPageUrl(ctx: SimContext, order: Order): string {
  return `${baseUrl(ctx)}/orders/${order.id}/payment-page`;
}

function udfs(order: Order): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < 10; i++) out[`udf${i + 1}`] = order.udfs[i] ?? "";
  return out;
}

const PENDING: ReadonlySet<OrderStatus> = new Set(["PENDING_VBV", "STARTED", "VBV_SUCCESSFUL", "AUTHORIZING"]);

/**
 * The txn an order answers for, by Juspay's precedence among its attempts
 * (NEW → PENDING_VBV → CHARGED): the one that charged it, else a pending one,
 * else the latest attempt.
 */
export function currentTxn(order: Order): Txn | undefined {
  return (
    order.txns.find((t) => t.status === "CHARGED" || t.status === "COD_INITIATED") ??
    order.txns.findLast((t) => PENDING.has(t.status)) ??
    order.txns.at(-1)
  );
}

/** Create Order / Update Order answer (fixtures orders/create-order/response-auth.json, update-order/response.json). */
export function renderOrderSummary(ctx: SimContext, order: Order): Record<string, unknown> {
  return {
    id: order.id,
    order_id: order.orderId,
    merchant_id: order.merchantId,
    status: order.status,
    status_id: STATUS_ID[order.status],
    amount: toMajorUnits(order.amountMinor, order.currency),
    effective_amount: toMajorUnits(order.amountMinor, order.currency),
    currency: order.currency,
    customer_id: order.customerId,
    customer_email: order.customerEmail,
    customer_phone: order.customerPhone,
    date_created: isoTime(order.createdAt),
    return_url: order.returnUrl,
    product_id: order.productId,
    payment_links: paymentLinks(ctx, order),
    ...udfs(order),
    refunded: isFullyRefunded(order),
    amount_refunded: toMajorUnits(amountRefundedMinor(order), order.currency),
    offers: [],
  };
}

function isFullyRefunded(order: Order): boolean {
  return order.amountMinor > 0 && amountRefundedMinor(order) >= order.amountMinor;
}

function renderMetadata(ctx: SimContext, order: Order): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...order.metadata };
  // Session and SDK orders carry the payment page's links in their metadata, as Juspay's do.
  if (order.metadata["payment_page_client_id"] !== undefined) {
    const page = paymentPageUrl(ctx, order);
    metadata["payment_links"] = { web: page, iframe: page, mobile: page };
  }
  return metadata;
}

function gatewayReferenceId(order: Order): string | null {
  const key = Object.keys(order.metadata).find((k) => k.endsWith(":gateway_reference_id"));
  return key === undefined ? null : (order.metadata[key] ?? null);
}

/** Stable pseudo-random digits/hex derived from the txn, so repeated reads agree. */
function derived(seed: string, kind: string, length: number, digitsOnly = false): string {
  const hex = createHash("sha256").update(`${kind}:${seed}`).digest("hex");
  if (!digitsOnly) return hex.slice(0, length);
  return [...hex].map((c) => String(parseInt(c, 16) % 10)).join("").slice(0, length);
}

/** The full order-status object (GET /orders/:id, webhooks' content.order). */
export function renderOrder(ctx: SimContext, order: Order, options: RenderOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...renderOrderSummary(ctx, order),
    last_updated: isoTime(order.updatedAt),
    metadata: renderMetadata(ctx, order),
    gateway_reference_id: gatewayReferenceId(order),
    rewards_breakup: null,
    bank_pg: null,
  };
  if (order.refunds.length > 0) out["refunds"] = renderRefunds(order);
  const mandate = renderOrderMandate(ctx, order);
  if (mandate) out["mandate"] = mandate;
  const txn = currentTxn(order);
  if (!txn) return out;
  const charged = order.status === "CHARGED";
  Object.assign(out, {
    txn_id: txn.txnId,
    txn_uuid: txn.txnUuid,
    payment_method_type: txn.paymentMethodType,
    payment_method: txn.paymentMethod,
    auth_type: authType(txn),
    resp_code: null,
    resp_message: null,
    bank_error_code: txn.errorCode ?? "",
    bank_error_message: txn.errorMessage,
    gateway_id: txn.gatewayId,
    maximum_eligible_refund_amount: toMajorUnits(charged ? Math.max(0, order.amountMinor - amountRefundedMinor(order)) : 0, order.currency),
    txn_detail: renderTxnDetail(order, txn),
    payment_gateway_response: renderGatewayResponse(txn, options.fullGatewayResponse === true),
  });
  if (txn.paymentMethodType === "CARD") out["card"] = renderCard(txn);
  if (txn.paymentMethodType === "UPI") {
    out["payer_vpa"] = txn.payerVpa ?? "";
    out["payer_app_name"] = "";
    out["upi"] = { payer_vpa: txn.payerVpa ?? "", txn_flow_type: txn.txnFlowType ?? "COLLECT" };
  }
  return out;
}

function authType(txn: Txn): string {
  return txn.paymentMethodType === "CARD" || txn.paymentMethodType === "NB" ? "THREE_DS" : "";
}

export function renderTxnDetail(order: Order, txn: Txn): Record<string, unknown> {
  const amount = toMajorUnits(txn.amountMinor, order.currency);
  const detail: Record<string, unknown> = {
    txn_id: txn.txnId,
    txn_uuid: txn.txnUuid,
    order_id: order.orderId,
    status: txn.status,
    error_code: txn.errorCode ?? "",
    error_message: txn.errorMessage,
    txn_amount: amount,
    net_amount: amount,
    surcharge_amount: null,
    tax_amount: null,
    offer_deduction_amount: null,
    txn_amount_breakup: JSON.stringify([{ name: "BASE", value: amount, sno: 1, method: "ADD" }]),
    gateway: txn.gateway,
    gateway_id: txn.gatewayId,
    currency: order.currency,
    express_checkout: true,
    redirect: txn.paymentMethodType !== "UPI",
    created: isoTime(txn.createdAt),
    txn_flow_type: txn.txnFlowType ?? "",
    txn_object_type: txn.txnObjectType,
    metadata: { payment_channel: "WEB", microapp: "hyperpay" },
  };
  if (txn.sourceObjectId !== undefined) {
    detail["source_object"] = "MANDATE";
    detail["source_object_id"] = txn.sourceObjectId;
  }
  return detail;
}

function renderGatewayResponse(txn: Txn, full: boolean): Record<string, unknown> {
  const done = !PENDING.has(txn.status);
  const ok = txn.errorCode === null && done;
  const response: Record<string, unknown> = {
    txn_id: txn.txnId,
    rrn: done ? derived(txn.txnUuid, "rrn", 12, true) : null,
    epg_txn_id: done ? `pay_${derived(txn.txnUuid, "epg", 14)}` : null,
    auth_id_code: ok ? derived(txn.txnUuid, "auth", 6, true) : "",
    resp_code: done ? (txn.errorCode ?? "00") : null,
    resp_message: done ? (ok ? "Transaction successful" : txn.errorMessage) : null,
    created: isoTime(txn.createdAt),
  };
  if (full) {
    // A raw-ish DUMMY gateway payload, like the webhooks with addFullGatewayResponse show.
    response["gateway_response"] = {
      resCode: done ? (txn.errorCode ?? "00") : "",
      resMessage: done ? (ok ? "Transaction successful" : txn.errorMessage) : "",
      authCode: ok ? String(response["auth_id_code"]) : "",
      mandateToken: "",
      txnId: txn.txnId,
      amount: String(txn.amountMinor),
    };
  }
  return response;
}

const CARDS: Record<string, { isin: string; last4: string; type: string }> = {
  VISA: { isin: "424242", last4: "4242", type: "CREDIT" },
  MASTERCARD: { isin: "529992", last4: "0277", type: "CREDIT" },
  RUPAY: { isin: "608001", last4: "0001", type: "DEBIT" },
};

/** The sandbox test card behind a card txn (reference §6), by brand. */
export function renderCard(txn: Txn): Record<string, unknown> {
  const card = CARDS[txn.paymentMethod] ?? CARDS["VISA"]!;
  return {
    card_brand: txn.paymentMethod,
    card_type: card.type,
    extended_card_type: card.type,
    card_issuer: "JP Morgan",
    card_issuer_country: "INDIA",
    juspay_bank_code: "JP_HDFC",
    card_isin: card.isin,
    last_four_digits: card.last4,
    card_reference: derived(txn.txnUuid, "card_ref", 32),
    card_fingerprint: derived(card.isin + card.last4, "fingerprint", 27),
    expiry_month: "12",
    expiry_year: "2030",
    name_on_card: "Sim Tester",
    saved_to_locker: false,
    using_saved_card: false,
    using_token: false,
    tokenization_user_consent: false,
  };
}

/** A txn as TXN_CHARGED / TXN_FAILED webhooks carry it (fixtures webhooks/txn_*.json). */
export function renderTxn(order: Order, txn: Txn): Record<string, unknown> {
  const detail = renderTxnDetail(order, txn);
  const out: Record<string, unknown> = {
    ...detail,
    status_id: STATUS_ID[txn.status],
    payment_method_type: txn.paymentMethodType,
    payment_method: txn.paymentMethod,
    payment_gateway_response: renderGatewayResponse(txn, false),
  };
  delete out["metadata"];
  if (txn.paymentMethodType === "CARD") out["card"] = renderCard(txn);
  if (txn.paymentMethodType === "UPI") out["upi"] = { payer_vpa: txn.payerVpa ?? "", txn_flow_type: txn.txnFlowType ?? "COLLECT" };
  return out;
}

/** The `mandate` block of a mandate order, once its mandate exists. */
export function renderOrderMandate(ctx: SimContext, order: Order): Record<string, unknown> | undefined {
  // Registration orders and execution orders both show their mandate.
  const id = order.mandateId ?? order.executesMandateId;
  const mandate = id === undefined ? undefined : ctx.state.mandates[id];
  return mandate && mandateBlock(mandate);
}

/** Webhook content for ORDER_* / TXN_CREATED / REFUND_* / AUTO_REFUND_* events. */
export function orderEventContent(ctx: SimContext, order: Order): Record<string, unknown> {
  return { order: renderOrder(ctx, order) };
}

/** Emits an order event to the order's webhook URL (metadata.webhook_url) or the configured one. */
export function emitOrderEvent(ctx: SimContext, eventName: string, order: Order): void {
  ctx.events.emit(eventName, orderEventContent(ctx, order), { webhookUrl: order.metadata["webhook_url"] });
}

export function emitTxnEvent(ctx: SimContext, eventName: string, order: Order, txn: Txn): void {
  ctx.events.emit(eventName, { txn: renderTxn(order, txn) }, { webhookUrl: order.metadata["webhook_url"] });
}
