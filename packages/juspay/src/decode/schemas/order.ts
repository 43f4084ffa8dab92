import { z } from "zod";
import { amountIn, amountOf, currencyOf, anyObject, boolOf, intOf, maskableObject, objectOf, scalarIn, textOf, timeIn, timeOf, type IssueSink, type Wire } from "../fields.js";
import { ORDER_STATUSES, decodeEnum, paymentPhase, type OrderStatus, type PaymentPhase } from "../statuses.js";
import type { JuspayTime } from "../time.js";
import { ClientAuthTokenWire, PaymentLinksWire, maskedKeys, toClientAuthToken, toPaymentLinks, type JuspayClientAuthToken, type JuspayPaymentLinks } from "./common.js";
import { MandateWire, toMandate, type JuspayMandate } from "./mandate.js";
import { RefundWire, toRefund, type JuspayRefund } from "./refund.js";
import { TxnWire, toTxn, type JuspayTxn } from "./txn.js";

// The order object (reference §2.3): GET /orders/:id, the create/update/refund
// answers, the execution-status answer and the webhooks' content.order. Only
// order_id and status are required (the create answer has little else);
// order_id, status, amount and refunds[].status must have the right types or
// the decode fails; every other slot tolerates what Juspay has been seen to
// send (numbers as text, masks, nulls) and anything unexpected stays in raw.

export const OrderWire = z.looseObject({
  id: scalarIn,
  order_id: z.string().min(1),
  merchant_id: scalarIn,
  status: z.string(),
  status_id: scalarIn,
  amount: amountIn,
  effective_amount: amountIn,
  amount_refunded: amountIn,
  refunded: scalarIn,
  currency: scalarIn,
  customer_id: scalarIn,
  customer_email: scalarIn,
  customer_phone: scalarIn,
  date_created: timeIn,
  last_updated: timeIn,
  txn_id: scalarIn,
  txn_uuid: scalarIn,
  payment_method_type: scalarIn,
  payment_method: scalarIn,
  auth_type: scalarIn,
  resp_code: scalarIn,
  resp_message: scalarIn,
  bank_error_code: scalarIn,
  bank_error_message: scalarIn,
  gateway_id: scalarIn,
  gateway_reference_id: scalarIn,
  txn_detail: maskableObject(TxnWire),
  payment_gateway_response: maskableObject(anyObject),
  refunds: z.union([z.array(RefundWire), z.string(), z.null()]).optional(),
  mandate: maskableObject(MandateWire),
  payment_links: maskableObject(PaymentLinksWire),
  juspay: maskableObject(ClientAuthTokenWire),
  card: maskableObject(anyObject),
  upi: maskableObject(anyObject),
  metadata: maskableObject(anyObject),
});

export interface JuspayGatewayResponse {
  respCode: string | null;
  respMessage: string | null;
  rrn: string | null;
  epgTxnId: string | null;
  authIdCode: string | null;
  txnId: string | null;
  created: JuspayTime | null;
  /** The raw gateway payload, only with options.add_full_gateway_response=true. */
  gatewayResponse: Wire | null;
}

export interface JuspayOrder {
  /** Juspay's order id (`ordeh_…`). */
  id: string | null;
  /** Our order id. */
  orderId: string;
  merchantId: string | null;
  status: OrderStatus;
  statusRaw: string;
  statusId: number | null;
  /** What the status means (statuses.ts); "unknown" for a status this package does not know. */
  phase: PaymentPhase;
  amountMinor: number | null;
  effectiveAmountMinor: number | null;
  amountRefundedMinor: number | null;
  refunded: boolean | null;
  currency: string | null;
  customerId: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  dateCreated: JuspayTime | null;
  lastUpdated: JuspayTime | null;
  /** The latest attempt. */
  txnId: string | null;
  txnUuid: string | null;
  paymentMethodType: string | null;
  paymentMethod: string | null;
  authType: string | null;
  respCode: string | null;
  respMessage: string | null;
  bankErrorCode: string | null;
  bankErrorMessage: string | null;
  gatewayId: number | null;
  gatewayReferenceId: string | null;
  txnDetail: JuspayTxn | null;
  paymentGatewayResponse: JuspayGatewayResponse | null;
  refunds: JuspayRefund[];
  /** Registration orders: the mandate block. */
  mandate: JuspayMandate | null;
  paymentLinks: JuspayPaymentLinks | null;
  /** With options.get_client_auth_token=true. */
  clientAuthToken: JuspayClientAuthToken | null;
  metadata: Wire | null;
  /** Top-level fields Juspay masked as "FILTERED" (webhooks). */
  masked: string[];
  /** The whole answer as received, unknown keys included. */
  raw: Wire;
}

function toGatewayResponse(value: unknown): JuspayGatewayResponse | null {
  const w = objectOf(value);
  if (!w) return null;
  return {
    respCode: textOf(w["resp_code"]),
    respMessage: textOf(w["resp_message"]),
    rrn: textOf(w["rrn"]),
    epgTxnId: textOf(w["epg_txn_id"]),
    authIdCode: textOf(w["auth_id_code"]),
    txnId: textOf(w["txn_id"]),
    created: timeOf(w["created"]),
    gatewayResponse: objectOf(w["gateway_response"]),
  };
}

export function toOrder(w: z.output<typeof OrderWire>, sink: IssueSink, path: (string | number)[]): JuspayOrder {
  const currency = currencyOf(w.currency);
  const status = decodeEnum(ORDER_STATUSES, w.status);
  const txnDetail = objectOf(w.txn_detail) as z.output<typeof TxnWire> | null;
  const mandate = objectOf(w.mandate) as z.output<typeof MandateWire> | null;
  return {
    id: textOf(w.id),
    orderId: w.order_id,
    merchantId: textOf(w.merchant_id),
    status: status.value,
    statusRaw: status.raw,
    statusId: intOf(w.status_id),
    phase: paymentPhase(status.value),
    amountMinor: amountOf(sink, [...path, "amount"], w.amount, currency),
    effectiveAmountMinor: amountOf(sink, [...path, "effective_amount"], w.effective_amount, currency),
    amountRefundedMinor: amountOf(sink, [...path, "amount_refunded"], w.amount_refunded, currency),
    refunded: boolOf(w.refunded),
    currency: textOf(w.currency),
    customerId: textOf(w.customer_id),
    customerEmail: textOf(w.customer_email),
    customerPhone: textOf(w.customer_phone),
    dateCreated: timeOf(w.date_created),
    lastUpdated: timeOf(w.last_updated),
    txnId: textOf(w.txn_id),
    txnUuid: textOf(w.txn_uuid),
    paymentMethodType: textOf(w.payment_method_type),
    paymentMethod: textOf(w.payment_method),
    authType: textOf(w.auth_type),
    respCode: textOf(w.resp_code),
    respMessage: textOf(w.resp_message),
    bankErrorCode: textOf(w.bank_error_code),
    bankErrorMessage: textOf(w.bank_error_message),
    gatewayId: intOf(w.gateway_id),
    gatewayReferenceId: textOf(w.gateway_reference_id),
    txnDetail: txnDetail ? toTxn(txnDetail, sink, [...path, "txn_detail"], currency) : null,
    paymentGatewayResponse: toGatewayResponse(w.payment_gateway_response),
    refunds: Array.isArray(w.refunds) ? w.refunds.map((r, i) => toRefund(r, sink, [...path, "refunds", i], currency)) : [],
    mandate: mandate ? toMandate(mandate, sink, [...path, "mandate"], currency) : null,
    paymentLinks: toPaymentLinks(w.payment_links),
    clientAuthToken: toClientAuthToken(w.juspay),
    metadata: objectOf(w.metadata),
    masked: maskedKeys(w),
    raw: w,
  };
}

export const OrderSchema = OrderWire.transform((w, ctx) => toOrder(w, ctx, []));

/** The refund with this unique_request_id in an order's refunds[], if any. */
export function findRefund(order: JuspayOrder, uniqueRequestId: string): JuspayRefund | undefined {
  return order.refunds.find((r) => r.uniqueRequestId === uniqueRequestId);
}
