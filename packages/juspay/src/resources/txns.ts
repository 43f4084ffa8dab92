import { OrderSchema, type JuspayOrder } from "../decode/schemas/order.js";
import { TxnAnswerSchema, type JuspayTxnAnswer } from "../decode/schemas/txn.js";
import { ORDER_STATUS_PATH } from "../config.js";
import { JuspayNotFoundError } from "../errors.js";
import { withExtra } from "../http/form.js";
import type { CallOptions } from "../http/request-sender.js";
import type { OrdersResource } from "./orders.js";
import { checkInvoiceNumber, checkNotificationReference, checkPlainUdfs } from "./field-limits.js";
import { amountField, checkId, currencyField, epochField, seg, type ExtraFields, type ResourceContext } from "./shared.js";

// Mandate execution (POST /txns with mandate_id, reference §2.8) and its
// status. Execution creates a NEW order (order.order_id) debited against the
// mandate: that order id is the idempotency handle (a repeat gets
// DUPLICATE_ORDER_ID, never a second debit), sent unchanged on every attempt,
// so it is retried. The status is a read (retried): Order Status, as Juspay
// documents it (mandate-order-status-api); another path may be configured
// (an integration guide's GET /txns/v2/orders/:id, in no public Juspay
// source), with Order Status when that answers 404.

export interface ExecuteMandateParams {
  mandateId: string;
  /** A new, unique order id for this debit. */
  orderId: string;
  /** ≤ the mandate's max amount (= it for FIXED mandates). */
  amountMinor: number;
  /** The customer the mandate belongs to. */
  customerId: string;
  currency?: string;
  /** Default: Juspay executes 24-25 h after a successful pre-debit notification. */
  executionDate?: Date;
  /** Links a pre-debit notification sent with mandates.preDebitNotify (our object_reference_id or Juspay's id); 1-25 of A-Z a-z 0-9. */
  notificationId?: string;
  /** 1-25 of A-Z a-z 0-9 (Juspay's limit). */
  displayInvoiceNumber?: string;
  /** order.metadata.*, order.udf* (udf1-udf5 without special characters), … */
  extra?: ExtraFields;
}

export interface ExecutionStatus {
  /** Which call answered: a configured execution-status path, or Order Status (the default, or after a 404 there). */
  source: "execution_status" | "order_status";
  order: JuspayOrder;
}

export class TxnsResource {
  constructor(
    private readonly ctx: ResourceContext,
    private readonly orders: OrdersResource,
  ) {}

  /** POST /txns (or /v4/txns in JWE mode) with mandate_id: a recurring debit. */
  async executeMandate(params: ExecuteMandateParams, options?: CallOptions): Promise<JuspayTxnAnswer> {
    const op = "txns.execute_mandate";
    const currency = currencyField(op, "currency", params.currency);
    const fields: Record<string, string> = {
      "order.order_id": checkId(op, "orderId", params.orderId, 20),
      "order.amount": amountField(op, "amountMinor", params.amountMinor, currency),
      "order.customer_id": checkId(op, "customerId", params.customerId, 128),
      "order.currency": currency,
      mandate_id: checkId(op, "mandateId", params.mandateId, 128),
      merchant_id: this.ctx.merchantId,
      format: "json",
    };
    if (params.executionDate) fields["mandate.execution_date"] = epochField(op, "executionDate", params.executionDate);
    if (params.notificationId !== undefined) fields["mandate.notification_id"] = checkNotificationReference(op, "notificationId", params.notificationId);
    if (params.displayInvoiceNumber !== undefined) fields["mandate.display_invoice_number"] = checkInvoiceNumber(op, "displayInvoiceNumber", params.displayInvoiceNumber);
    const all = checkPlainUdfs(op, withExtra(fields, params.extra), "order.");
    if (this.ctx.jwe) {
      return this.ctx.sender.send({ operation: op, method: "POST", path: "/v4/txns", body: { kind: "jwe", payload: all }, retry: "idempotent", schema: TxnAnswerSchema }, options);
    }
    return this.ctx.sender.send({ operation: op, method: "POST", path: "/txns", body: { kind: "form", fields: all }, retry: "idempotent", schema: TxnAnswerSchema }, options);
  }

  /** The execution order's status: Order Status, or the configured path falling back to Order Status when it answers HTTP 404. */
  async executionStatus(orderId: string, options: CallOptions = {}): Promise<ExecutionStatus> {
    const op = "txns.execution_status";
    const id = checkId(op, "orderId", orderId);
    if (this.ctx.executionStatusPath === ORDER_STATUS_PATH) return { source: "order_status", order: await this.orders.status(id, options) };
    const path = this.ctx.executionStatusPath.split("{order_id}").join(seg(op, "orderId", id));
    // Both requests share one deadline.
    options = this.ctx.sender.pinDeadline(options);
    try {
      const order = await this.ctx.sender.send({ operation: op, method: "GET", path, retry: "safe", schema: OrderSchema }, options);
      return { source: "execution_status", order };
    } catch (err) {
      if (!(err instanceof JuspayNotFoundError) || err.httpStatus !== 404) throw err;
      return { source: "order_status", order: await this.orders.status(id, options) };
    }
  }
}
