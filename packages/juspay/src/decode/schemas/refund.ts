import { z } from "zod";
import { amountIn, amountOf, currencyOf, boolOf, scalarIn, textOf, timeIn, timeOf, type IssueSink, type Wire } from "../fields.js";
import { REFUND_STATUSES, decodeEnum, type RefundStatus } from "../statuses.js";
import type { JuspayTime } from "../time.js";

// A refund: an entry of an order's `refunds[]` (POST /orders/:id/refunds,
// order status, webhooks) or the single object POST /refunds answers with
// (fixtures orders/refunds/*.json, which add txn_id, order_id, gateway, …).

export const RefundWire = z.looseObject({
  id: scalarIn,
  unique_request_id: scalarIn,
  amount: amountIn,
  status: z.string(),
  ref: scalarIn,
  arn: scalarIn,
  refund_arn: scalarIn,
  error_code: scalarIn,
  error_message: scalarIn,
  response_code: scalarIn,
  sent_to_gateway: scalarIn,
  initiated_by: scalarIn,
  refund_type: scalarIn,
  refund_source: scalarIn,
  created: timeIn,
  pg_processed_at: timeIn,
  txn_id: scalarIn,
  order_id: scalarIn,
  gateway: scalarIn,
});

export interface JuspayRefund {
  /** Juspay's refund id; null until the gateway has one (often equals unique_request_id later). */
  id: string | null;
  /** Our idempotency handle for the refund. */
  uniqueRequestId: string | null;
  amountMinor: number | null;
  status: RefundStatus;
  statusRaw: string;
  /** Gateway refund reference. */
  ref: string | null;
  arn: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  sentToGateway: boolean | null;
  initiatedBy: string | null;
  refundType: string | null;
  refundSource: string | null;
  created: JuspayTime | null;
  /** Only on the POST /refunds answer. */
  txnId: string | null;
  orderId: string | null;
  raw: Wire;
}

/** A refund names no currency: its amount is in the order's (`currency`; Juspay's default INR when unknown). */
export function toRefund(w: z.output<typeof RefundWire>, sink: IssueSink, path: (string | number)[], currency?: string): JuspayRefund {
  const status = decodeEnum(REFUND_STATUSES, w.status);
  return {
    id: textOf(w.id),
    uniqueRequestId: textOf(w.unique_request_id),
    amountMinor: amountOf(sink, [...path, "amount"], w.amount, currencyOf(undefined, currency)),
    status: status.value,
    statusRaw: status.raw,
    ref: textOf(w.ref),
    arn: textOf(w.arn) ?? textOf(w.refund_arn),
    errorCode: textOf(w.error_code) ?? textOf(w.response_code),
    errorMessage: textOf(w.error_message),
    sentToGateway: boolOf(w.sent_to_gateway),
    initiatedBy: textOf(w.initiated_by),
    refundType: textOf(w.refund_type),
    refundSource: textOf(w.refund_source),
    created: timeOf(w.created),
    txnId: textOf(w.txn_id),
    orderId: textOf(w.order_id),
    raw: w,
  };
}

/** A refund object on its own (the POST /refunds answer). */
/** A refund answer on its own, its amount read in `currency` (the order's). */
export const refundSchemaIn = (currency: string) => RefundWire.transform((w, ctx) => toRefund(w, ctx, [], currency));
