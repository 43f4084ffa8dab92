import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MoneySchema, type Money } from "@payments/proto/payments/v1/money_pb";
import { OrderSchema, OrderType, RefundSchema, UdfsSchema, type Order, type Refund } from "@payments/proto/payments/v1/order_pb";
import { StaleReason } from "@payments/proto/payments/v1/order_pb";
import { OrderStatus, RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import type { StaleReason as AppStaleReason } from "../app/orders/refresh-order.js";
import type { OrderRow, RefundRow } from "../db/orders-repository.js";
import { isTerminalOrder } from "../domain/order-status.js";
import { refundableMinor } from "../domain/refundable.js";

// Our rows as payments.v1 messages. Status names are stored without their
// enum prefix; a name the proto does not have becomes UNKNOWN (raw kept).

export function money(minor: bigint, currency: string): Money {
  return create(MoneySchema, { amountMinor: minor, currency });
}

export function enumValue<E extends Record<string, string | number>>(enumObject: E, name: string, fallback: E[keyof E]): E[keyof E] {
  const value = enumObject[name as keyof E];
  return typeof value === "number" ? value : fallback;
}

export function orderStatusOf(name: string): OrderStatus {
  return enumValue(OrderStatus, name, OrderStatus.UNKNOWN);
}

export function refundStatusOf(name: string): RefundStatus {
  return enumValue(RefundStatus, name, RefundStatus.UNKNOWN);
}

export function staleReasonOf(reason: AppStaleReason | null): StaleReason {
  if (reason === "juspay_timeout") return StaleReason.JUSPAY_TIMEOUT;
  if (reason === "juspay_bad_response") return StaleReason.JUSPAY_BAD_RESPONSE;
  if (reason === "juspay_unavailable") return StaleReason.JUSPAY_UNAVAILABLE;
  return StaleReason.UNSPECIFIED;
}

/** The `stale` and `stale_reason` fields of a read answered from our rows. */
export function staleness(reason: AppStaleReason | null): { stale: boolean; staleReason: StaleReason } {
  return { stale: reason !== null, staleReason: staleReasonOf(reason) };
}

export function refundToProto(row: RefundRow): Refund {
  return create(RefundSchema, {
    refundId: row.refund_id,
    uniqueRequestId: row.unique_request_id,
    orderId: row.order_id,
    amount: money(row.amount_minor, row.currency),
    status: refundStatusOf(row.status),
    statusRaw: row.status_raw,
    reason: row.reason ?? "",
    juspayRefundId: row.juspay_refund_id ?? "",
    gatewayReference: row.gateway_reference ?? "",
    arn: row.arn ?? "",
    refundType: row.refund_type ?? "",
    sentToGateway: row.sent_to_gateway,
    errorCode: row.error_code ?? "",
    errorMessage: row.error_message ?? "",
    createTime: timestampFromDate(row.created_at),
    updateTime: timestampFromDate(row.updated_at),
    settleTime: row.settled_at ? timestampFromDate(row.settled_at) : undefined,
  });
}

export function orderToProto(row: OrderRow, refunds: RefundRow[]): Order {
  return create(OrderSchema, {
    orderId: row.order_id,
    juspayOrderId: row.juspay_order_id ?? "",
    orderType: enumValue(OrderType, row.order_type, OrderType.UNSPECIFIED),
    status: orderStatusOf(row.status),
    statusRaw: row.status_raw,
    statusId: row.status_id ?? 0,
    terminal: isTerminalOrder(row),
    amount: money(row.amount_minor, row.currency),
    amountRefunded: money(row.amount_refunded_minor, row.currency),
    refundableAmount: money(refundableMinor(row, refunds), row.currency),
    customerId: row.customer_id,
    customerEmail: row.customer_email ?? "",
    customerPhone: row.customer_phone ?? "",
    description: row.description ?? "",
    returnUrl: row.return_url ?? "",
    udfs: create(UdfsSchema, row.udfs),
    mandateId: row.mandate_id ?? "",
    paymentMethodType: row.payment_method_type ?? "",
    paymentMethod: row.payment_method ?? "",
    txnId: row.txn_id ?? "",
    errorCode: row.error_code ?? "",
    errorMessage: row.error_message ?? "",
    refunds: refunds.map(refundToProto),
    createTime: timestampFromDate(row.created_at),
    updateTime: timestampFromDate(row.updated_at),
    lastSyncTime: row.last_synced_at ? timestampFromDate(row.last_synced_at) : undefined,
  });
}
