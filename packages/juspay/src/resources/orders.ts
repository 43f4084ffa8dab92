import { OrderSchema, type JuspayOrder } from "../decode/schemas/order.js";
import type { MANDATE_FREQUENCY_VALUES } from "../decode/statuses.js";
import { withExtra } from "../http/form.js";
import type { CallOptions } from "../http/request-sender.js";
import { checkPlainUdfs } from "./field-limits.js";
import { amountField, checkId, currencyField, epochField, invalid, seg, type ExtraFields, type ResourceContext } from "./shared.js";

// Orders (reference §2.1, §2.3–2.5): create, status, update, refund.
// Retry decisions: status is a read (retried); create is keyed by our order id
// (a repeat after an applied attempt gets DUPLICATE_ORDER_ID, never a second
// order: retried); update sets values (a repeat sets the same values:
// retried); refund is keyed by unique_request_id, sent unchanged on every
// attempt (a repeat gets duplicate.call, never a second refund: retried).

/** Mandate registration on an order or a session (reference §2.8). */
export interface MandateRegistration {
  /** REQUIRED: only mandate-capable instruments; OPTIONAL: the customer chooses. */
  createMandate: "REQUIRED" | "OPTIONAL";
  maxAmountMinor: number;
  amountRule?: "FIXED" | "VARIABLE";
  frequency?: (typeof MANDATE_FREQUENCY_VALUES)[number];
  ruleType?: "ON" | "BEFORE" | "AFTER";
  ruleValue?: number;
  /** Must be today (Juspay's rule); sent as epoch seconds. */
  startDate?: Date;
  endDate?: Date;
  revokableByCustomer?: boolean;
  blockFunds?: boolean;
}

/** The mandate fields of a registration order; `currency` is the order's (max_amount is in it). */
export function mandateRegistrationFields(operation: string, m: MandateRegistration, currency: string): Record<string, string> {
  const fields: Record<string, string> = {
    "options.create_mandate": m.createMandate,
    "mandate.max_amount": amountField(operation, "mandate.maxAmountMinor", m.maxAmountMinor, currency),
  };
  if (m.amountRule) fields["mandate.amount_rule"] = m.amountRule;
  if (m.frequency) fields["mandate.frequency"] = m.frequency;
  if (m.ruleType) fields["mandate.rule_type"] = m.ruleType;
  if (m.ruleValue !== undefined) {
    if (!Number.isInteger(m.ruleValue) || m.ruleValue < 1 || m.ruleValue > 31) throw invalid(operation, "mandate.ruleValue must be an integer 1-31");
    fields["mandate.rule_value"] = String(m.ruleValue);
  }
  if (m.startDate) fields["mandate.start_date"] = epochField(operation, "mandate.startDate", m.startDate);
  if (m.endDate) fields["mandate.end_date"] = epochField(operation, "mandate.endDate", m.endDate);
  if (m.revokableByCustomer !== undefined) fields["mandate.revokable_by_customer"] = String(m.revokableByCustomer);
  if (m.blockFunds !== undefined) fields["mandate.block_funds"] = String(m.blockFunds);
  return fields;
}

export interface CreateOrderParams {
  /** Our order id: ≤ 20 characters; Juspay de-duplicates on it. */
  orderId: string;
  amountMinor: number;
  /** ISO 4217, with at most 2 decimals; default INR (Juspay's default). Sets how amounts are written. */
  currency?: string;
  customerId?: string;
  customerEmail?: string;
  customerPhone?: string;
  description?: string;
  productId?: string;
  returnUrl?: string;
  /** Adds `juspay.client_auth_token` to the answer. */
  getClientAuthToken?: boolean;
  /** Per-order webhook URL (`metadata.webhook_url`). */
  webhookUrl?: string;
  mandate?: MandateRegistration;
  /** More fields (udf1-udf10, udf1-udf5 without special characters; billing_address_*, metadata.*); ours win on a clash. */
  extra?: ExtraFields;
}

export interface UpdateOrderParams {
  amountMinor?: number;
  /** The order's currency (the new amount is written in it); default INR. */
  currency?: string;
  /** Addresses and UDFs (the only other fields Juspay lets an update change). */
  extra?: ExtraFields;
}

export interface RefundOrderParams {
  /** Our refund id (≤ 20 characters): the idempotency handle, reused on every retry. */
  uniqueRequestId: string;
  amountMinor: number;
  /** The order's currency (the refund amount is written in it); default INR. */
  currency?: string;
  extra?: ExtraFields;
}

export interface OrderStatusOptions extends CallOptions {
  /** options.add_full_gateway_response=true: the raw gateway payload in paymentGatewayResponse.gatewayResponse. */
  fullGatewayResponse?: boolean;
}

function optional(fields: Record<string, string>, name: string, value: string | undefined): void {
  if (value !== undefined) fields[name] = value;
}

export class OrdersResource {
  constructor(private readonly ctx: ResourceContext) {}

  /** POST /orders. */
  async create(params: CreateOrderParams, options?: CallOptions): Promise<JuspayOrder> {
    const op = "orders.create";
    const currency = currencyField(op, "currency", params.currency);
    const fields: Record<string, string> = {
      order_id: checkId(op, "orderId", params.orderId, 20),
      amount: amountField(op, "amountMinor", params.amountMinor, currency),
      currency,
    };
    optional(fields, "customer_id", params.customerId);
    optional(fields, "customer_email", params.customerEmail);
    optional(fields, "customer_phone", params.customerPhone);
    optional(fields, "description", params.description);
    optional(fields, "product_id", params.productId);
    optional(fields, "return_url", params.returnUrl);
    optional(fields, "metadata.webhook_url", params.webhookUrl);
    if (params.getClientAuthToken) fields["options.get_client_auth_token"] = "true";
    if (params.mandate) Object.assign(fields, mandateRegistrationFields(op, params.mandate, currency));
    return this.ctx.sender.send(
      { operation: op, method: "POST", path: "/orders", body: { kind: "form", fields: checkPlainUdfs(op, withExtra(fields, params.extra)) }, retry: "idempotent", schema: OrderSchema },
      options,
    );
  }

  /** GET /orders/:id (or POST /v4/order-status in JWE mode). */
  async status(orderId: string, options: OrderStatusOptions = {}): Promise<JuspayOrder> {
    const op = "orders.status";
    const id = checkId(op, "orderId", orderId);
    if (this.ctx.jwe) {
      const payload: Record<string, unknown> = { order_id: id };
      if (options.fullGatewayResponse) payload["options.add_full_gateway_response"] = "true";
      return this.ctx.sender.send({ operation: op, method: "POST", path: "/v4/order-status", body: { kind: "jwe", payload }, retry: "safe", schema: OrderSchema }, options);
    }
    const query: Record<string, string> = options.fullGatewayResponse ? { "options.add_full_gateway_response": "true" } : {};
    return this.ctx.sender.send({ operation: op, method: "GET", path: `/orders/${seg(op, "orderId", id)}`, query, retry: "safe", schema: OrderSchema }, options);
  }

  /** POST /orders/:id (amount, addresses, UDFs; a charged order answers INVALID_ACTION). */
  async update(orderId: string, params: UpdateOrderParams, options?: CallOptions): Promise<JuspayOrder> {
    const op = "orders.update";
    const id = checkId(op, "orderId", orderId);
    const fields: Record<string, string> = {};
    if (params.amountMinor !== undefined) fields["amount"] = amountField(op, "amountMinor", params.amountMinor, currencyField(op, "currency", params.currency));
    const all = checkPlainUdfs(op, withExtra(fields, params.extra));
    if (Object.keys(all).length === 0) throw invalid(op, "nothing to update");
    return this.ctx.sender.send({ operation: op, method: "POST", path: `/orders/${seg(op, "orderId", id)}`, body: { kind: "form", fields: all }, retry: "idempotent", schema: OrderSchema }, options);
  }

  /**
   * POST /orders/:id/refunds (or /v4/orders/:id/refunds in JWE mode): answers
   * the order with its refunds[]; the new refund is usually PENDING.
   */
  async refund(orderId: string, params: RefundOrderParams, options?: CallOptions): Promise<JuspayOrder> {
    const op = "orders.refund";
    const id = checkId(op, "orderId", orderId);
    const fields: Record<string, string> = {
      unique_request_id: checkId(op, "uniqueRequestId", params.uniqueRequestId, 20),
      amount: amountField(op, "amountMinor", params.amountMinor, currencyField(op, "currency", params.currency)),
    };
    const path = `/orders/${seg(op, "orderId", id)}/refunds`;
    if (this.ctx.jwe) {
      const payload = { ...withExtra(fields, params.extra), order_id: id };
      return this.ctx.sender.send({ operation: op, method: "POST", path: `/v4${path}`, body: { kind: "jwe", payload }, retry: "idempotent", schema: OrderSchema }, options);
    }
    return this.ctx.sender.send({ operation: op, method: "POST", path, body: { kind: "form", fields: withExtra(fields, params.extra) }, retry: "idempotent", schema: OrderSchema }, options);
  }
}
