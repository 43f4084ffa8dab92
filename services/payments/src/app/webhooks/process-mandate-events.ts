import { JuspayNotFoundError, isJuspayError, parseWebhookEnvelope } from "@payments/juspay";
import { findMandate } from "../../db/mandates-repository.js";
import { findOrder } from "../../db/orders-repository.js";
import { recentlyUnmatchedMandate, type WebhookEventRow } from "../../db/webhook-events-repository.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { applyMandate, type MandateOwner } from "../mandates/apply-mandate.js";
import { refreshNotification } from "../mandates/notifications/refresh-notification.js";
import { MAX_WEBHOOK_BODY_BYTES } from "./ingest-webhook.js";
import type { SubjectOutcome } from "./process-order-event.js";

// MANDATE_* events: read the mandate at Juspay (check_status) and apply it,
// creating our row when Juspay says whose it is (a mandate registered from
// the dashboard is still our merchant's). The read carries the customer's
// x-routing-id (our row's customer, else the customer of the registration
// order the event names); a mandate whose customer nobody has told us yet is
// read under its own id, as Juspay advises for calls with no known customer
// (an id that follows the lifecycle), and its later calls carry the customer's. NOTIFICATION_* events: read our
// notification at Juspay and apply it; a notification we never sent is not
// ours to track.

export const UNMATCHED_NO_MANDATE_ID = "the event names no mandate";
export const UNMATCHED_UNKNOWN_MANDATE = "Juspay does not know this mandate";
export const UNMATCHED_NO_OWNER = "no mandate row, and neither Juspay nor our orders say whose mandate it is";
export const UNMATCHED_NO_NOTIFICATION = "no pre-debit notification of ours with this id";
/**
 * How long Juspay's "no such mandate" is taken as still true for a mandate we
 * hold no row of: forged events repeating one id cost one Juspay call per
 * window, not one each (issue 15, finding 11). A real mandate that Juspay
 * shows late is applied by ReplayWebhookEvent or its next event after that.
 */
export const UNKNOWN_MANDATE_MEMORY_MS = 5 * 60_000;

export async function processMandateEvent(ctx: AppContext, event: WebhookEventRow, signal: AbortSignal): Promise<SubjectOutcome> {
  if (event.mandate_id === null) return { state: "UNMATCHED", reason: UNMATCHED_NO_MANDATE_ID };
  const known = await findMandate(ctx.db, event.mandate_id);
  if (known === undefined && (await recentlyUnmatchedMandate(ctx.db, event.mandate_id, UNMATCHED_UNKNOWN_MANDATE, UNKNOWN_MANDATE_MEMORY_MS))) {
    return { state: "UNMATCHED", reason: UNMATCHED_UNKNOWN_MANDATE };
  }
  const routingId = known?.customer_id ?? (await ownerOf(ctx, event.mandate_id, event.order_id)).customerId ?? event.mandate_id;
  try {
    const reported = await ctx.juspay.mandates.checkStatus(event.mandate_id, { signal, routingId });
    const applied = await applyMandate(ctx, reported, await ownerOf(ctx, event.mandate_id, reported.orderId));
    if (applied === null) return { state: "UNMATCHED", reason: UNMATCHED_NO_OWNER };
    return { state: "PROCESSED", detail: { mandateStatus: applied.mandate.status } };
  } catch (err) {
    if (err instanceof JuspayNotFoundError) return { state: "UNMATCHED", reason: UNMATCHED_UNKNOWN_MANDATE };
    if (isJuspayError(err)) return { state: "FAILED", reason: `mandate status could not be read from Juspay (${err.kind})` };
    throw err;
  }
}

/** Whose a mandate is: our row's customer, else the customer of the registration order if it is ours. */
async function ownerOf(ctx: AppContext, mandateId: string, registrationOrderId: string | null): Promise<MandateOwner> {
  const row = await findMandate(ctx.db, mandateId);
  if (row !== undefined) return { customerId: row.customer_id };
  const order = registrationOrderId === null ? undefined : await findOrder(ctx.db, registrationOrderId);
  if (order === undefined) return {};
  return { customerId: order.customer_id, registrationOrderId: order.order_type === "MANDATE_REGISTRATION" ? order.order_id : null };
}

export async function processNotificationEvent(ctx: AppContext, event: WebhookEventRow, signal: AbortSignal): Promise<SubjectOutcome> {
  const parsed = parseWebhookEnvelope(Buffer.from(event.body), { maxBytes: MAX_WEBHOOK_BODY_BYTES });
  const notificationId = parsed.ok ? parsed.value.notificationReferenceId : null;
  if (notificationId === null) return { state: "UNMATCHED", reason: UNMATCHED_NO_NOTIFICATION };
  let refreshed;
  try {
    refreshed = await refreshNotification(ctx, notificationId, { signal });
  } catch (err) {
    if (err instanceof AppError && err.kind === "not_found") return { state: "UNMATCHED", reason: UNMATCHED_NO_NOTIFICATION };
    throw err;
  }
  if (refreshed.stale !== null) return { state: "FAILED", reason: `notification status could not be read from Juspay (${refreshed.stale})` };
  if (refreshed.unknownAtJuspay) return { state: "FAILED", reason: "Juspay does not show the notification yet" };
  return { state: "PROCESSED", detail: { notificationStatus: refreshed.notification.status } };
}
