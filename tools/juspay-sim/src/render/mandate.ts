import { isoTime } from "../context.js";
import type { Mandate, Notification } from "../state/model.js";
import { DEFAULT_CURRENCY } from "./currencies.js";
import { toDecimalString, toMajorUnits } from "./money.js";

// A mandate as Juspay writes it, in the three shapes its samples show:
// the `mandate` block inside an order status (status key `mandate_status`),
// the mandate object of check_status, list and webhooks (status key `status`,
// payment_info, tokens, activation times), and the pause/resume answer.
// Mandate dates are epoch seconds as strings (reference §1.4).

const epochSeconds = (ms: number) => String(Math.floor(ms / 1000));

/** `mandate` inside GET /orders/:id of a registration order. */
export function mandateBlock(m: Mandate): Record<string, unknown> {
  return {
    mandate_id: m.mandateId,
    mandate_token: m.mandateToken,
    mandate_status: m.status,
    mandate_type: m.mandateType,
    ...terms(m),
  };
}

/** What the payer agreed to: the same fields in every shape. */
function terms(m: Mandate): Record<string, unknown> {
  return {
    max_amount: toMajorUnits(m.maxAmountMinor, m.currency),
    amount_rule: m.amountRule,
    frequency: m.frequency,
    ...(m.ruleType ? { rule_type: m.ruleType } : {}),
    ...(m.ruleValue ? { rule_value: Number(m.ruleValue) } : {}),
    start_date: epochSeconds(m.startDate),
    end_date: epochSeconds(m.endDate),
    revokable_by_customer: m.revokableByCustomer,
    block_fund: m.blockFund,
  };
}

function paymentInfo(m: Mandate): Record<string, unknown> {
  return {
    payment_method_type: m.paymentMethodType,
    payment_method: m.paymentMethod,
    ...(m.payerVpa ? { upi: { payer_vpa: m.payerVpa } } : {}),
  };
}

/**
 * The mandate object of check_status, list and webhooks. (Some of Juspay's
 * webhook samples write max_amount and revokable_by_customer as strings,
 * others as a number and a boolean; the simulator keeps the typed form.)
 */
export function mandateObject(m: Mandate): Record<string, unknown> {
  return {
    mandate_id: m.mandateId,
    mandate_token: m.mandateToken,
    mandate_debit_token: m.mandateDebitToken,
    status: m.status,
    mandate_type: m.mandateType,
    order_id: m.orderId,
    customer_id: m.customerId,
    currency: m.currency,
    ...terms(m),
    payment_info: paymentInfo(m),
    ...(m.activatedAt !== undefined ? { activated_at: isoTime(m.activatedAt), last_activated_at: isoTime(m.activatedAt) } : {}),
    last_updated: isoTime(m.updatedAt),
  };
}

/** The answer to pause and resume: the mandate with `mandate_status` and a message. */
export function mandateCommandAnswer(m: Mandate, message: string): Record<string, unknown> {
  return {
    ...mandateBlock(m),
    response_message: message,
    ...(m.activatedAt !== undefined ? { last_activated_at: isoTime(m.activatedAt) } : {}),
    ...(m.pauseStartDate !== undefined ? { pause_start_date: isoTime(m.pauseStartDate) } : {}),
    ...(m.pauseEndDate !== undefined ? { pause_end_date: isoTime(m.pauseEndDate) } : {}),
  };
}

/** A pre-debit notification (reference §2.8); dates are epoch seconds as strings. */
export function notificationObject(n: Notification): Record<string, unknown> {
  return {
    id: n.id,
    object: "notification",
    object_reference_id: n.objectReferenceId,
    status: n.status,
    source_object: "MANDATE",
    source_info: {
      txn_date: epochSeconds(n.txnDate),
      amount: toDecimalString(n.amountMinor, n.currency ?? DEFAULT_CURRENCY).replace(/\.00$/, ""),
      ...(n.displayInvoiceNumber ? { "mandate.display_invoice_number": n.displayInvoiceNumber } : {}),
    },
    provider_name: n.providerName,
    provider_response: {
      provider_ref_id: n.providerRefId,
      provider_response_code: n.status === "FAILURE" ? "FAILED" : "SUCCESS",
      provider_response_message: n.status === "FAILURE" ? (n.responseMessage ?? "Failed") : "Notification accepted",
    },
    notification_type: "SMS",
    mandate: { mandate_id: n.mandateId },
    description: n.description,
    date_created: epochSeconds(n.createdAt),
    last_updated: epochSeconds(n.updatedAt),
    ...(n.responseCode !== undefined ? { response_code: n.responseCode, response_message: n.responseMessage ?? "" } : {}),
  };
}
