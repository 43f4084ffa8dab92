import { newId, type SimContext } from "../context.js";
import type { Fields } from "../http/body.js";
import { JuspayError, invalidField, invalidRequest, missingParameter, txnsStyleError } from "../http/errors.js";
import { findOrder, syncOrder } from "./orders.js";
import { mandateCommandAnswer, mandateObject, notificationObject } from "../render/mandate.js";
import { parseAmount } from "../render/money.js";
import type { Mandate, MandateStatus, Notification } from "../state/model.js";

// Mandate commands (POST /mandates/:id with `command`, reference §2.8) and
// pre-debit notifications. Status moves fire MANDATE_* / NOTIFICATION_*
// webhooks. Time-driven moves (pause end, expiry, notification delivery)
// are settled lazily on every read and by clock timers.

/** Simulated time a pre-debit notification takes to be delivered. */
export const NOTIFICATION_DELAY_MS = 60_000;

/**
 * Sandbox rule for notifications (the simulator's own, documented in the
 * README): an amount whose paise end in 13 fails with JP_852-like provider
 * errors; everything else succeeds.
 */
const notificationFails = (amountMinor: number) => amountMinor % 100 === 13;

// The Notification API's field limits (README "Fidelity (issue 17)"):
// object_reference_id "Length upto 25 and alphanumeric characters are only
// accepted"; description "Max Length: 50"; mandate.display_invoice_number
// "alphanumeric and length upto 25". Lengths in UTF-16 code units, as the
// rest of the simulator counts.
const NOTIFICATION_REFERENCE = /^[A-Za-z0-9]{1,25}$/;
export const INVOICE_NUMBER = /^[A-Za-z0-9]{1,25}$/;
const DESCRIPTION_MAX = 50;

export function findMandate(ctx: SimContext, mandateId: string): Mandate {
  const mandate = ctx.state.mandates[mandateId];
  if (!mandate) throw invalidRequest("RESOURCE_NOT_FOUND", "Mandate not found", 404);
  settleMandate(ctx, mandate);
  return mandate;
}

export function setMandateStatus(ctx: SimContext, mandate: Mandate, status: MandateStatus): void {
  if (mandate.status === status) return;
  mandate.status = status;
  mandate.updatedAt = ctx.clock.now();
  if (status === "ACTIVE") mandate.activatedAt ??= mandate.updatedAt;
  ctx.changed();
  const event = { ACTIVE: "MANDATE_ACTIVATED", PAUSED: "MANDATE_PAUSED", REVOKED: "MANDATE_REVOKED", FAILURE: "MANDATE_FAILED", EXPIRED: "MANDATE_EXPIRED", CREATED: "MANDATE_CREATED" }[status];
  ctx.events.emit(event, { mandate: mandateObject(mandate) });
}

/** Applies the moves time has made: a pause that ended, an end date that passed. */
export function settleMandate(ctx: SimContext, mandate: Mandate): void {
  const now = ctx.clock.now();
  if ((mandate.status === "ACTIVE" || mandate.status === "PAUSED") && now >= mandate.endDate) {
    setMandateStatus(ctx, mandate, "EXPIRED");
    return;
  }
  if (mandate.status === "PAUSED" && mandate.pauseEndDate !== undefined && now >= mandate.pauseEndDate) {
    mandate.pauseStartDate = undefined;
    mandate.pauseEndDate = undefined;
    setMandateStatus(ctx, mandate, "ACTIVE");
  }
}

export function runMandateCommand(ctx: SimContext, mandateId: string, fields: Fields): Record<string, unknown> {
  const command = fields.command;
  if (command === undefined || command === "") throw missingParameter("command");
  const mandate = findMandate(ctx, mandateId);
  switch (command) {
    case "revoke":
      return revoke(ctx, mandate);
    case "pause":
      return pause(ctx, mandate, fields);
    case "resume":
      return resume(ctx, mandate, fields);
    case "check_status":
      return mandateObject(mandate);
    case "pre_debit_notify":
      return notificationObject(preDebitNotify(ctx, mandate, fields));
    case "cancel_recurring_transaction":
      return cancelRecurring(ctx, mandate, fields);
    default:
      throw new JuspayError(400, { status: "Invalid Request", error_code: "bad_request", error_message: "Invalid command" });
  }
}

function revoke(ctx: SimContext, mandate: Mandate): Record<string, unknown> {
  if (mandate.status !== "ACTIVE" && mandate.status !== "PAUSED") {
    throw invalidRequest("INVALID_ACTION", "Mandate Not in Active State");
  }
  setMandateStatus(ctx, mandate, "REVOKED");
  return { mandate_status: mandate.status, mandate_id: mandate.mandateId };
}

/**
 * Stops a scheduled (still pending) execution of this mandate: its txn ends
 * JUSPAY_DECLINED. Answers and errors as Juspay's samples (README, Mandates).
 */
function cancelRecurring(ctx: SimContext, mandate: Mandate, fields: Fields): Record<string, unknown> {
  const orderId = fields.order_id;
  if (!orderId) throw invalidRequest("bad_request", "Please send order_id");
  const order = findOrder(ctx, orderId);
  // Not an execution of this mandate at all.
  if (order?.executesMandateId !== mandate.mandateId) throw cancelNotAllowed("No active recurring transactions are scheduled.");
  const txn = order.txns.find((t) => t.settleTo !== undefined);
  // An execution of this mandate that is no longer waiting (done, or cancelled before).
  if (!txn) throw cancelNotAllowed("No scheduled recurring transactions are found.");
  txn.settleTo = "JUSPAY_DECLINED";
  txn.settleAt = ctx.clock.now();
  syncOrder(ctx, order);
  return { order_id: order.orderId, txn_uuid: txn.txnUuid, txn_status: txn.status, response_message: "Transaction successfully terminated at Juspay end." };
}

const cancelNotAllowed = (message: string) => txnsStyleError("INVALID_REQUEST", "INVALID_REQUEST_ERROR", "Cancel action not allowed.", message);

function pause(ctx: SimContext, mandate: Mandate, fields: Fields): Record<string, unknown> {
  if (mandate.status !== "ACTIVE") throw invalidRequest("INVALID_ACTION", "Mandate Not in Active State");
  const now = ctx.clock.now();
  const start = epochSeconds(fields, "pause_start_date") ?? now;
  const end = epochSeconds(fields, "pause_end_date") ?? mandate.endDate;
  if (end <= start) throw invalidRequest("INVALID_INPUT", "pause_end_date must be after pause_start_date");
  mandate.pauseStartDate = start;
  mandate.pauseEndDate = end;
  setMandateStatus(ctx, mandate, "PAUSED");
  ctx.clock.at(end, () => settleMandate(ctx, mandate));
  return mandateCommandAnswer(mandate, "Mandate is Paused.");
}

function resume(ctx: SimContext, mandate: Mandate, fields: Fields): Record<string, unknown> {
  if (mandate.status !== "PAUSED") throw invalidRequest("INVALID_ACTION", "Mandate is not Paused");
  epochSeconds(fields, "resume_date"); // validated; the simulator resumes at once
  // The pause ends now; Juspay's answer still shows when it ended.
  mandate.pauseStartDate = undefined;
  mandate.pauseEndDate = ctx.clock.now();
  // No MANDATE_RESUMED event is documented: a resume reports MANDATE_ACTIVATED (UNCONFIRMED).
  setMandateStatus(ctx, mandate, "ACTIVE");
  return mandateCommandAnswer(mandate, "Mandate is Resumed.");
}

function preDebitNotify(ctx: SimContext, mandate: Mandate, fields: Fields): Notification {
  const reference = fields.object_reference_id;
  if (!reference) throw missingParameter("object_reference_id");
  if (!NOTIFICATION_REFERENCE.test(reference)) throw invalidField("object_reference_id");
  if ((fields.description ?? "").length > DESCRIPTION_MAX) throw invalidField("description");
  if (Object.values(ctx.state.notifications).some((n) => n.objectReferenceId === reference)) {
    throw invalidRequest("ALREADY_EXISTS", "Notification already exists with the given object_reference_id");
  }
  let sourceInfo: Record<string, unknown>;
  try {
    sourceInfo = JSON.parse(fields.source_info ?? "") as Record<string, unknown>;
  } catch {
    throw invalidRequest("INVALID_INPUT", "source_info must be a JSON string with amount and txn_date");
  }
  const invoice = sourceInfo["mandate.display_invoice_number"];
  if (invoice !== undefined && (typeof invoice !== "string" || !INVOICE_NUMBER.test(invoice))) {
    throw invalidField("mandate.display_invoice_number");
  }
  const amountMinor = parseAmount(String(sourceInfo.amount ?? ""), mandate.currency);
  if (amountMinor === undefined || amountMinor <= 0) throw invalidRequest("INVALID_INPUT", "Invalid source_info.amount");
  if (amountMinor > mandate.maxAmountMinor) throw invalidRequest("INVALID_INPUT", "Amount greater than mandate max amount");
  const txnDate = /^\d{1,11}$/.test(String(sourceInfo.txn_date ?? "")) ? Number(sourceInfo.txn_date) * 1000 : ctx.clock.now();
  const now = ctx.clock.now();
  const active = mandate.status === "ACTIVE";
  const fails = !active || notificationFails(amountMinor);
  const notification: Notification = {
    id: String(1_000_000 + ++ctx.state.sequence),
    objectReferenceId: reference,
    mandateId: mandate.mandateId,
    status: "PENDING",
    amountMinor,
    currency: mandate.currency,
    txnDate,
    description: fields.description ?? "",
    providerName: "SIMULATOR",
    providerRefId: newId("IN", 6).toUpperCase(),
    ...(typeof sourceInfo["mandate.display_invoice_number"] === "string" ? { displayInvoiceNumber: sourceInfo["mandate.display_invoice_number"] } : {}),
    createdAt: now,
    updatedAt: now,
    settleAt: now + NOTIFICATION_DELAY_MS,
    settleTo: fails ? "FAILURE" : "SUCCESS",
    ...(fails ? { responseCode: "JP_852", responseMessage: active ? "Notification failed at the provider" : "Mandate is not ACTIVE" } : {}),
  };
  ctx.state.notifications[notification.id] = notification;
  ctx.changed();
  ctx.clock.at(notification.settleAt, () => settleNotification(ctx, notification));
  return notification;
}

/** Delivers a notification whose time has come; idempotent. */
export function settleNotification(ctx: SimContext, n: Notification): void {
  if (n.status !== "PENDING" || ctx.clock.now() < n.settleAt) return;
  n.status = n.settleTo;
  n.updatedAt = ctx.clock.now();
  ctx.changed();
  ctx.events.emit(n.status === "SUCCESS" ? "NOTIFICATION_SUCCEEDED" : "NOTIFICATION_FAILED", { notification: notificationObject(n) });
}

/** GET /notifications/:id (our object_reference_id, or Juspay's id). */
export function findNotification(ctx: SimContext, reference: string): Notification {
  const n = Object.values(ctx.state.notifications).find((x) => x.objectReferenceId === reference || x.id === reference);
  if (!n) throw invalidRequest("RESOURCE_NOT_FOUND", "Notification not found", 404);
  settleNotification(ctx, n);
  return n;
}

/** GET /customers/:id/mandates: every state, newest first, with count/offset paging (UNCONFIRMED names). */
export function listMandates(ctx: SimContext, customerId: string, query: URLSearchParams): Record<string, unknown> {
  const all = Object.values(ctx.state.mandates)
    .filter((m) => m.customerId === customerId)
    .sort((a, b) => b.createdAt - a.createdAt);
  all.forEach((m) => settleMandate(ctx, m));
  const offset = nonNegative(query.get("offset"), 0);
  const count = nonNegative(query.get("count"), 20);
  const page = all.slice(offset, offset + count).map((m) => mandateObject(m));
  return { object: "list", total: all.length, offset, count: page.length, list: page };
}

function nonNegative(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidRequest("INVALID_INPUT", "offset and count must be non-negative integers");
  return n;
}

function epochSeconds(fields: Fields, name: string): number | undefined {
  const raw = fields[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,11}$/.test(raw)) throw invalidRequest("INVALID_INPUT", `${name} must be epoch seconds`);
  return Number(raw) * 1000;
}
