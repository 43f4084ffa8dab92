import { z } from "zod";
import { amountIn, amountOf, currencyOf, anyObject, intOf, maskableObject, objectOf, scalarIn, textOf, timeIn, timeOf, type IssueSink, type Wire } from "../fields.js";
import { ORDER_STATUSES, decodeEnum, type OrderStatus } from "../statuses.js";
import type { JuspayTime } from "../time.js";

// Transactions: `txn_detail` inside an order, the webhook's `content.txn`,
// and the answer of POST /txns (a payment attempt or a mandate execution).

export const TxnWire = z.looseObject({
  txn_id: scalarIn,
  txn_uuid: scalarIn,
  order_id: scalarIn,
  status: scalarIn,
  status_id: scalarIn,
  txn_amount: amountIn,
  net_amount: amountIn,
  gateway: scalarIn,
  gateway_id: scalarIn,
  currency: scalarIn,
  error_code: scalarIn,
  error_message: scalarIn,
  txn_object_type: scalarIn,
  source_object: scalarIn,
  source_object_id: scalarIn,
  txn_flow_type: scalarIn,
  payment_method_type: scalarIn,
  payment_method: scalarIn,
  created: timeIn,
  last_updated: timeIn,
});

export interface JuspayTxn {
  txnId: string | null;
  txnUuid: string | null;
  orderId: string | null;
  status: OrderStatus;
  statusRaw: string;
  statusId: number | null;
  txnAmountMinor: number | null;
  netAmountMinor: number | null;
  gateway: string | null;
  gatewayId: number | null;
  currency: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** ORDER_PAYMENT, EMANDATE_REGISTER, EMANDATE_PAYMENT, MANDATE_REGISTER, MANDATE_PAYMENT, TPV_PAYMENT, … */
  txnObjectType: string | null;
  /** "MANDATE" for mandate registrations and executions. */
  sourceObject: string | null;
  sourceObjectId: string | null;
  paymentMethodType: string | null;
  paymentMethod: string | null;
  created: JuspayTime | null;
  raw: Wire;
}

/** `enclosingCurrency`: the order's, for a txn_detail that names none. */
export function toTxn(w: z.output<typeof TxnWire>, sink: IssueSink, path: (string | number)[], enclosingCurrency?: string): JuspayTxn {
  const currency = currencyOf(w.currency, enclosingCurrency);
  const status = decodeEnum(ORDER_STATUSES, w.status);
  return {
    txnId: textOf(w.txn_id),
    txnUuid: textOf(w.txn_uuid),
    orderId: textOf(w.order_id),
    status: status.value,
    statusRaw: status.raw,
    statusId: intOf(w.status_id),
    txnAmountMinor: amountOf(sink, [...path, "txn_amount"], w.txn_amount, currency),
    netAmountMinor: amountOf(sink, [...path, "net_amount"], w.net_amount, currency),
    gateway: textOf(w.gateway),
    gatewayId: intOf(w.gateway_id),
    currency: textOf(w.currency),
    errorCode: textOf(w.error_code),
    errorMessage: textOf(w.error_message),
    txnObjectType: textOf(w.txn_object_type),
    sourceObject: textOf(w.source_object),
    sourceObjectId: textOf(w.source_object_id),
    paymentMethodType: textOf(w.payment_method_type),
    paymentMethod: textOf(w.payment_method),
    created: timeOf(w.created),
    raw: w,
  };
}

/** A transaction on its own (webhook content.txn): txn_id and status required. */
export const TxnSchema = TxnWire.extend({ txn_id: z.string(), status: z.string() }).transform((w, ctx) => toTxn(w, ctx, []));

// POST /txns answer: {order_id, txn_id, txn_uuid, status, payment{authentication{url, method}, sdk_params}, offer_details}.

export const TxnAnswerWire = z.looseObject({
  order_id: z.string(),
  txn_id: scalarIn,
  txn_uuid: scalarIn,
  status: z.string(),
  payment: maskableObject(
    z.looseObject({
      authentication: maskableObject(z.looseObject({ url: scalarIn, method: scalarIn })),
      sdk_params: maskableObject(anyObject),
    }),
  ),
});

export interface JuspayTxnAnswer {
  orderId: string;
  txnId: string | null;
  txnUuid: string | null;
  status: OrderStatus;
  statusRaw: string;
  /** Where the customer authenticates (card/NB/collect flows). */
  authentication: { url: string | null; method: string | null } | null;
  /** UPI intent parameters, verbatim. */
  sdkParams: Wire | null;
  raw: Wire;
}

export const TxnAnswerSchema = TxnAnswerWire.transform((w): JuspayTxnAnswer => {
  const status = decodeEnum(ORDER_STATUSES, w.status);
  const payment = objectOf(w.payment);
  const auth = objectOf(payment?.["authentication"]);
  return {
    orderId: w.order_id,
    txnId: textOf(w.txn_id),
    txnUuid: textOf(w.txn_uuid),
    status: status.value,
    statusRaw: status.raw,
    authentication: auth ? { url: textOf(auth["url"]), method: textOf(auth["method"]) } : null,
    sdkParams: objectOf(payment?.["sdk_params"]),
    raw: w,
  };
});
