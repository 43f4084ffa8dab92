import { MandateListSchema, type JuspayMandateList } from "../decode/schemas/list.js";
import { CancelRecurringSchema, MandateSchema, type JuspayCancelRecurring, type JuspayMandate } from "../decode/schemas/mandate.js";
import { notificationSchemaIn, type JuspayNotification } from "../decode/schemas/notification.js";
import type { RequestSpec, CallOptions } from "../http/request-sender.js";
import type { RetryMode } from "../http/retry-policy.js";
import { checkInvoiceNumber, checkNotificationDescription, checkNotificationReference } from "./field-limits.js";
import { amountField, checkId, currencyField, epochField, invalid, seg, type ResourceContext } from "./shared.js";

// Mandate commands, all `POST /mandates/:id` with `command=…` (reference §2.8),
// and the customer's mandate list. Retry decisions, per command:
// - check_status: a read → retried.
// - pre_debit_notify: keyed by our object_reference_id, sent unchanged on every
//   attempt (Juspay refuses a reused one) → retried.
// - revoke, pause, resume, cancel_recurring_transaction: NOT retried after an
//   attempt that may have reached Juspay (5xx, timeout, reset). Their effect is
//   a state change with no idempotency handle, and a repeat of one that did
//   apply answers an error ("Mandate Not in Active State", "No scheduled
//   recurring transactions are found.") that would hide the success. They are
//   retried only when Juspay certainly did not act (connection refused, DNS,
//   429); otherwise the error says `outcome: "unknown"` and the caller reads
//   checkStatus (or the execution's order) before deciding.

export interface PauseMandateParams {
  /** Default: now (Juspay's default). */
  pauseStartDate?: Date;
  /** Default: the mandate's end. */
  pauseEndDate?: Date;
}

export interface ResumeMandateParams {
  resumeDate?: Date;
}

export interface PreDebitNotifyParams {
  /** Our notification id: the idempotency handle; also how status is looked up. 1-25 of A-Z a-z 0-9 (Juspay's limit). */
  objectReferenceId: string;
  /** The amount that will be debited. */
  amountMinor: number;
  /** The mandate's currency (the amount is written and read in it); default INR. */
  currency?: string;
  /** When the debit will happen. */
  txnDate: Date;
  /** At most 50 characters (Juspay's limit). */
  description?: string;
  /** 1-25 of A-Z a-z 0-9 (Juspay's limit). */
  displayInvoiceNumber?: string;
}

export interface ListMandatesOptions extends CallOptions {
  /** Page size and offset (parameter names UNCONFIRMED at Juspay; the simulator uses count/offset). */
  count?: number;
  offset?: number;
}

export class MandatesResource {
  constructor(private readonly ctx: ResourceContext) {}

  private async command<T>(operation: string, mandateId: string, fields: Record<string, string>, retry: RetryMode, schema: RequestSpec<T>["schema"], options?: CallOptions): Promise<T> {
    const id = checkId(operation, "mandateId", mandateId, 128);
    return this.ctx.sender.send({ operation, method: "POST", path: `/mandates/${seg(operation, "mandateId", id)}`, body: { kind: "form", fields }, retry, schema }, options);
  }

  /** command=revoke → mandate with status REVOKED. Not retried once it may have reached Juspay. */
  async revoke(mandateId: string, options?: CallOptions): Promise<JuspayMandate> {
    return this.command("mandates.revoke", mandateId, { command: "revoke" }, "unsafe", MandateSchema, options);
  }

  /** command=pause (ACTIVE mandates only) → mandate with status PAUSED. Not retried once it may have reached Juspay. */
  async pause(mandateId: string, params: PauseMandateParams = {}, options?: CallOptions): Promise<JuspayMandate> {
    const op = "mandates.pause";
    const fields: Record<string, string> = { command: "pause" };
    if (params.pauseStartDate) fields["pause_start_date"] = epochField(op, "pauseStartDate", params.pauseStartDate);
    if (params.pauseEndDate) fields["pause_end_date"] = epochField(op, "pauseEndDate", params.pauseEndDate);
    return this.command(op, mandateId, fields, "unsafe", MandateSchema, options);
  }

  /** command=resume (PAUSED mandates) → mandate with status ACTIVE. Not retried once it may have reached Juspay. */
  async resume(mandateId: string, params: ResumeMandateParams = {}, options?: CallOptions): Promise<JuspayMandate> {
    const op = "mandates.resume";
    const fields: Record<string, string> = { command: "resume" };
    if (params.resumeDate) fields["resume_date"] = epochField(op, "resumeDate", params.resumeDate);
    return this.command(op, mandateId, fields, "unsafe", MandateSchema, options);
  }

  /** command=check_status: the mandate as Juspay knows it (synced with the gateway where supported). */
  async checkStatus(mandateId: string, options?: CallOptions): Promise<JuspayMandate> {
    return this.command("mandates.check_status", mandateId, { command: "check_status" }, "safe", MandateSchema, options);
  }

  /** command=pre_debit_notify: tells the customer about an upcoming debit; keyed by objectReferenceId. */
  async preDebitNotify(mandateId: string, params: PreDebitNotifyParams, options?: CallOptions): Promise<JuspayNotification> {
    const op = "mandates.pre_debit_notify";
    const currency = currencyField(op, "currency", params.currency);
    const sourceInfo: Record<string, string> = {
      amount: amountField(op, "amountMinor", params.amountMinor, currency),
      txn_date: epochField(op, "txnDate", params.txnDate),
    };
    if (params.displayInvoiceNumber !== undefined) sourceInfo["mandate.display_invoice_number"] = checkInvoiceNumber(op, "displayInvoiceNumber", params.displayInvoiceNumber);
    const fields: Record<string, string> = {
      command: "pre_debit_notify",
      object_reference_id: checkNotificationReference(op, "objectReferenceId", params.objectReferenceId),
      source_info: JSON.stringify(sourceInfo),
    };
    if (params.description !== undefined) fields["description"] = checkNotificationDescription(op, "description", params.description);
    return this.command(op, mandateId, fields, "idempotent", notificationSchemaIn(currency), options);
  }

  /** command=cancel_recurring_transaction: stops a scheduled execution (its txn ends JUSPAY_DECLINED). Not retried once it may have reached Juspay. */
  async cancelRecurringTransaction(mandateId: string, params: { orderId: string }, options?: CallOptions): Promise<JuspayCancelRecurring> {
    const op = "mandates.cancel_recurring_transaction";
    const fields = { command: "cancel_recurring_transaction", order_id: checkId(op, "orderId", params.orderId) };
    return this.command(op, mandateId, fields, "unsafe", CancelRecurringSchema, options);
  }

  /** GET /customers/:id/mandates: every mandate of the customer, whatever its state. */
  async list(customerId: string, options: ListMandatesOptions = {}): Promise<JuspayMandateList> {
    const op = "mandates.list";
    const id = checkId(op, "customerId", customerId, 128);
    const query: Record<string, string> = {};
    for (const name of ["count", "offset"] as const) {
      const value = options[name];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0) throw invalid(op, `${name} must be a non-negative integer`);
      query[name] = String(value);
    }
    return this.ctx.sender.send({ operation: op, method: "GET", path: `/customers/${seg(op, "customerId", id)}/mandates`, query, retry: "safe", schema: MandateListSchema }, options);
  }
}
