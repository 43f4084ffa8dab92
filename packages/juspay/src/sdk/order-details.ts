import { formatMinorAmount } from "./amount.js";
import type { SdkMandate, SdkOrder } from "./types.js";

// The `orderDetails` JSON string (reference §3.5): snake_case, flat
// dot-separated keys like Create Order's form body, every value a string.
// Built once and signed as is; the key order below is fixed so the same input
// always gives the same bytes (golden vectors depend on it). Absent optional
// fields are left out rather than sent empty.

const epochSeconds = (date: Date): string => Math.floor(date.getTime() / 1000).toString();

/** The orderDetails fields in wire order; inputs must already be checked. */
export function orderDetailsFields(merchantId: string, order: SdkOrder, mandate: SdkMandate | undefined, nowMs: number): Record<string, string> {
  const fields: Record<string, string> = {
    order_id: order.orderId,
    merchant_id: merchantId,
    amount: formatMinorAmount(order.amountMinor, order.currency, "order.amountMinor"),
    timestamp: nowMs.toString(),
    customer_id: order.customerId,
  };
  const optional: [string, string | undefined][] = [
    ["customer_email", order.customerEmail],
    ["customer_phone", order.customerPhone],
    ["first_name", order.firstName],
    ["last_name", order.lastName],
    ["return_url", order.returnUrl],
    ["currency", order.currency],
    ["description", order.description],
  ];
  (order.udfs ?? []).forEach((udf, i) => optional.push([`udf${i + 1}`, udf]));
  for (const key of Object.keys(order.metadata ?? {}).sort()) optional.push([`metadata.${key}`, order.metadata?.[key]]);
  if (mandate) {
    optional.push(
      ["options.create_mandate", mandate.createMandate],
      ["mandate.max_amount", formatMinorAmount(mandate.maxAmountMinor, order.currency, "mandate.maxAmountMinor")],
      ["mandate.amount_rule", mandate.amountRule],
      ["mandate.frequency", mandate.frequency],
      ["mandate.rule_type", mandate.ruleType],
      ["mandate.rule_value", mandate.ruleValue?.toString()],
      ["mandate.start_date", epochSeconds(mandate.startDate)],
      ["mandate.end_date", epochSeconds(mandate.endDate)],
      ["mandate.revokable_by_customer", mandate.revokableByCustomer?.toString()],
      ["mandate.block_funds", mandate.blockFunds?.toString()],
    );
  }
  for (const [key, value] of optional) if (value !== undefined) fields[key] = value;
  return fields;
}

/** The exact string to sign and send. */
export function buildOrderDetails(merchantId: string, order: SdkOrder, mandate: SdkMandate | undefined, nowMs: number): string {
  return JSON.stringify(orderDetailsFields(merchantId, order, mandate, nowMs));
}
