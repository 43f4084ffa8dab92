import { create } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  MandateAmountRule,
  MandateExecutionSchema,
  MandateFrequency,
  MandateRuleType,
  MandateSchema,
  PreDebitNotificationSchema,
  type Mandate,
  type MandateExecution,
  type PreDebitNotification,
} from "@payments/proto/payments/v1/mandate_pb";
import { MandateStatus, NotificationStatus } from "@payments/proto/payments/v1/statuses_pb";
import type { ExecutionRow, MandateRow, NotificationRow } from "../db/mandates-repository.js";
import type { OrderRow } from "../db/orders-repository.js";
import { enumValue, money } from "./order-proto.js";

// Mandate rows as payments.v1 messages. Names are stored without their enum
// prefix; a name the proto does not have becomes UNKNOWN / UNSPECIFIED (the
// raw status is kept beside it).

const ts = (date: Date | null): Timestamp | undefined => (date === null ? undefined : timestampFromDate(date));

export function mandateToProto(row: MandateRow): Mandate {
  return create(MandateSchema, {
    mandateId: row.mandate_id,
    mandateToken: row.mandate_token ?? "",
    status: enumValue(MandateStatus, row.status, MandateStatus.UNKNOWN),
    statusRaw: row.status_raw,
    mandateType: row.mandate_type ?? "",
    customerId: row.customer_id,
    registrationOrderId: row.registration_order_id ?? "",
    maxAmount: row.max_amount_minor === null ? undefined : money(row.max_amount_minor, row.currency),
    amountRule: enumValue(MandateAmountRule, row.amount_rule ?? "", MandateAmountRule.UNSPECIFIED),
    frequency: enumValue(MandateFrequency, row.frequency ?? "", MandateFrequency.UNSPECIFIED),
    ruleType: enumValue(MandateRuleType, row.rule_type ?? "", MandateRuleType.UNSPECIFIED),
    ruleValue: row.rule_value ?? 0,
    startTime: ts(row.start_at),
    endTime: ts(row.end_at),
    revokableByCustomer: row.revokable_by_customer ?? false,
    blockFunds: row.block_funds ?? false,
    paymentMethodType: row.payment_method_type ?? "",
    paymentMethod: row.payment_method ?? "",
    activateTime: ts(row.activated_at),
    pauseStartTime: ts(row.pause_start_at),
    pauseEndTime: ts(row.pause_end_at),
    createTime: timestampFromDate(row.created_at),
    updateTime: timestampFromDate(row.updated_at),
    lastSyncTime: ts(row.last_synced_at),
  });
}

export function notificationToProto(row: NotificationRow): PreDebitNotification {
  return create(PreDebitNotificationSchema, {
    notificationId: row.notification_id,
    juspayNotificationId: row.juspay_notification_id ?? "",
    mandateId: row.mandate_id,
    status: enumValue(NotificationStatus, row.status, NotificationStatus.UNKNOWN),
    statusRaw: row.status_raw,
    amount: money(row.amount_minor, row.currency),
    debitTime: timestampFromDate(row.debit_at),
    description: row.description ?? "",
    providerName: row.provider_name ?? "",
    responseCode: row.response_code ?? "",
    responseMessage: row.response_message ?? "",
    createTime: timestampFromDate(row.created_at),
    updateTime: timestampFromDate(row.updated_at),
  });
}

/** The execution as requested; the amount is the debit order's. */
export function executionToProto(row: ExecutionRow, order: OrderRow): MandateExecution {
  return create(MandateExecutionSchema, {
    orderId: row.order_id,
    mandateId: row.mandate_id,
    amount: money(order.amount_minor, order.currency),
    executionTime: ts(row.execute_at),
    notificationId: row.notification_id ?? "",
    displayInvoiceNumber: row.display_invoice_number ?? "",
    createTime: timestampFromDate(row.created_at),
  });
}
