import { z } from "zod";
import { amountIn, amountOf, currencyOf, boolOf, intOf, maskableObject, anyObject, objectOf, scalarIn, textOf, timeIn, timeOf, type IssueSink, type Wire } from "../fields.js";
import {
  MANDATE_AMOUNT_RULES,
  MANDATE_FREQUENCY_VALUES,
  MANDATE_STATUSES,
  MANDATE_TYPES,
  ORDER_STATUSES,
  decodeEnum,
  type MandateAmountRule,
  type MandateFrequencyCode,
  type MandateStatus,
  type MandateType,
  type OrderStatus,
} from "../statuses.js";
import type { JuspayTime } from "../time.js";

// A mandate, in every shape Juspay writes one (reference §2.8): the `mandate`
// block of an order (status key `mandate_status`), the object of check_status,
// list and webhooks (key `status`, payment_info, tokens, activation times),
// the pause/resume answer (mandate_status + response_message + ISO pause
// dates) and the revoke answer ({mandate_status, mandate_id}). Start/end dates
// are epoch seconds as text; max_amount is a number or a string.

export const MandateWire = z.looseObject({
  mandate_id: scalarIn,
  status: scalarIn,
  mandate_status: scalarIn,
  mandate_token: scalarIn,
  mandate_debit_token: scalarIn,
  mandate_type: scalarIn,
  max_amount: amountIn,
  amount_rule: scalarIn,
  frequency: scalarIn,
  rule_type: scalarIn,
  rule_value: scalarIn,
  start_date: timeIn,
  end_date: timeIn,
  revokable_by_customer: scalarIn,
  block_fund: scalarIn,
  order_id: scalarIn,
  customer_id: scalarIn,
  currency: scalarIn,
  payment_info: maskableObject(z.looseObject({ payment_method_type: scalarIn, payment_method: scalarIn, upi: maskableObject(anyObject) })),
  activated_at: timeIn,
  last_activated_at: timeIn,
  last_updated: timeIn,
  pause_start_date: timeIn,
  pause_end_date: timeIn,
  response_message: scalarIn,
});

export interface JuspayMandate {
  mandateId: string;
  status: MandateStatus;
  statusRaw: string;
  mandateToken: string | null;
  mandateDebitToken: string | null;
  mandateType: MandateType;
  maxAmountMinor: number | null;
  amountRule: MandateAmountRule;
  frequency: MandateFrequencyCode;
  ruleType: string | null;
  ruleValue: number | null;
  startDate: JuspayTime | null;
  endDate: JuspayTime | null;
  revokableByCustomer: boolean | null;
  blockFund: boolean | null;
  /** The registration order. */
  orderId: string | null;
  customerId: string | null;
  currency: string | null;
  paymentMethodType: string | null;
  paymentMethod: string | null;
  activatedAt: JuspayTime | null;
  lastActivatedAt: JuspayTime | null;
  lastUpdated: JuspayTime | null;
  pauseStartDate: JuspayTime | null;
  pauseEndDate: JuspayTime | null;
  /** pause/resume answers: "Mandate is Paused." */
  responseMessage: string | null;
  raw: Wire;
}

/** The typed mandate, or null when the block has no usable mandate_id (nested blocks never fail their parent). */
export function toMandate(w: z.output<typeof MandateWire>, sink: IssueSink, path: (string | number)[], enclosingCurrency?: string): JuspayMandate | null {
  const mandateId = textOf(w.mandate_id);
  if (mandateId === null) return null;
  const status = decodeEnum(MANDATE_STATUSES, w.status ?? w.mandate_status);
  const info = objectOf(w.payment_info);
  return {
    mandateId,
    status: status.value,
    statusRaw: status.raw,
    mandateToken: textOf(w.mandate_token),
    mandateDebitToken: textOf(w.mandate_debit_token),
    mandateType: decodeEnum(MANDATE_TYPES, w.mandate_type).value,
    maxAmountMinor: amountOf(sink, [...path, "max_amount"], w.max_amount, currencyOf(w.currency, enclosingCurrency)),
    amountRule: decodeEnum(MANDATE_AMOUNT_RULES, w.amount_rule).value,
    frequency: decodeEnum(MANDATE_FREQUENCY_VALUES, w.frequency).value,
    ruleType: textOf(w.rule_type),
    ruleValue: intOf(w.rule_value),
    startDate: timeOf(w.start_date),
    endDate: timeOf(w.end_date),
    revokableByCustomer: boolOf(w.revokable_by_customer),
    blockFund: boolOf(w.block_fund),
    orderId: textOf(w.order_id),
    customerId: textOf(w.customer_id),
    currency: textOf(w.currency),
    paymentMethodType: textOf(info?.["payment_method_type"]),
    paymentMethod: textOf(info?.["payment_method"]),
    activatedAt: timeOf(w.activated_at),
    lastActivatedAt: timeOf(w.last_activated_at),
    lastUpdated: timeOf(w.last_updated),
    pauseStartDate: timeOf(w.pause_start_date),
    pauseEndDate: timeOf(w.pause_end_date),
    responseMessage: textOf(w.response_message),
    raw: w,
  };
}

/** A mandate answer on its own: mandate_id and a status (`status` or `mandate_status`) are required. */
export const MandateSchema = MandateWire.extend({ mandate_id: z.string().min(1) })
  .refine((w) => typeof (w.status ?? w.mandate_status) === "string", { message: "mandate status missing", path: ["status"] })
  .transform((w, ctx) => {
    const mandate = toMandate(w, ctx, []);
    if (mandate === null) {
      ctx.addIssue({ code: "custom", message: "mandate_id is masked or empty", path: ["mandate_id"] });
      return z.NEVER;
    }
    return mandate;
  });

// cancel_recurring_transaction answer: {order_id, txn_uuid, txn_status: "JUSPAY_DECLINED", response_message}.
export const CancelRecurringWire = z.looseObject({ order_id: z.string(), txn_uuid: scalarIn, txn_status: z.string(), response_message: scalarIn });

export interface JuspayCancelRecurring {
  orderId: string;
  txnUuid: string | null;
  /** The execution's txn status after the cancel (JUSPAY_DECLINED). */
  txnStatus: OrderStatus;
  txnStatusRaw: string;
  responseMessage: string | null;
  raw: Wire;
}

export const CancelRecurringSchema = CancelRecurringWire.transform((w): JuspayCancelRecurring => {
  const status = decodeEnum(ORDER_STATUSES, w.txn_status);
  return { orderId: w.order_id, txnUuid: textOf(w.txn_uuid), txnStatus: status.value, txnStatusRaw: status.raw, responseMessage: textOf(w.response_message), raw: w };
});
