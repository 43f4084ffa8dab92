import type { WebhookEventRow } from "../../db/webhook-events-repository.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { refreshOrder } from "../orders/refresh-order.js";

// An order, payment attempt or refund event: read the order's status at
// Juspay and apply it (refreshOrder), whatever the body says.

export const UNMATCHED_NO_ORDER_ID = "the event names no order";
export const UNMATCHED_NO_ROW = "no order row for this order id (yet): the sweep applies it when the order appears";

/** How processing one event ended; FAILED is retried by the job queue. */
export type SubjectOutcome =
  | { state: "PROCESSED"; reason?: undefined; detail?: Record<string, string> }
  | { state: "UNMATCHED"; reason: string; detail?: undefined }
  | { state: "FAILED"; reason: string; detail?: undefined };

export async function processOrderEvent(ctx: AppContext, event: WebhookEventRow, signal: AbortSignal): Promise<SubjectOutcome> {
  if (event.order_id === null) return { state: "UNMATCHED", reason: UNMATCHED_NO_ORDER_ID };
  try {
    const refreshed = await refreshOrder(ctx, event.order_id, { signal });
    if (refreshed.stale !== null) return { state: "FAILED", reason: `order status could not be read from Juspay (${refreshed.stale})` };
    return { state: "PROCESSED", detail: { orderStatus: refreshed.order.status } };
  } catch (err) {
    if (err instanceof AppError && err.kind === "not_found") return { state: "UNMATCHED", reason: UNMATCHED_NO_ROW };
    throw err;
  }
}
