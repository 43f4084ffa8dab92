import { refundSchemaIn, type JuspayRefund } from "../decode/schemas/refund.js";
import { withExtra } from "../http/form.js";
import type { CallOptions } from "../http/request-sender.js";
import { amountField, checkId, currencyField, invalid, type ExtraFields, type ResourceContext } from "./shared.js";

// POST /refunds (reference §2.4): a refund by order_id or txn_id, optionally
// INSTANT; answers the refund object alone. Keyed by unique_request_id, sent
// unchanged on every attempt: retried (a repeat gets duplicate.call).

export interface CreateRefundParams {
  uniqueRequestId: string;
  amountMinor: number;
  /** The order's currency (the amount is written and read in it); default INR. */
  currency?: string;
  /** One of orderId or txnId. */
  orderId?: string;
  txnId?: string;
  refundType?: "STANDARD" | "INSTANT";
  /** Instant-refund beneficiary details and the like. */
  extra?: ExtraFields;
}

export class RefundsResource {
  constructor(private readonly ctx: ResourceContext) {}

  async create(params: CreateRefundParams, options?: CallOptions): Promise<JuspayRefund> {
    const op = "refunds.create";
    if ((params.orderId === undefined) === (params.txnId === undefined)) throw invalid(op, "give exactly one of orderId and txnId");
    const currency = currencyField(op, "currency", params.currency);
    const fields: Record<string, string> = {
      unique_request_id: checkId(op, "uniqueRequestId", params.uniqueRequestId, 20),
      amount: amountField(op, "amountMinor", params.amountMinor, currency),
    };
    if (params.orderId !== undefined) fields["order_id"] = checkId(op, "orderId", params.orderId);
    if (params.txnId !== undefined) fields["txn_id"] = checkId(op, "txnId", params.txnId, 128);
    if (params.refundType) fields["refund_type"] = params.refundType;
    return this.ctx.sender.send(
      { operation: op, method: "POST", path: "/refunds", body: { kind: "form", fields: withExtra(fields, params.extra) }, retry: "idempotent", schema: refundSchemaIn(currency) },
      options,
    );
  }
}
