import type { SimContext } from "../context.js";
import { orderNotFound, refundError, refundFieldsMissing } from "../http/errors.js";
import type { Fields } from "../http/body.js";
import { parseAmount } from "../render/money.js";
import { emitOrderEvent } from "../render/order.js";
import { amountRefundedMinor } from "../render/refund.js";
import type { Order, Refund, RefundStatus } from "../state/model.js";
import { orderKey, orderRecord } from "../state/order-key.js";
import { DUPLICATE_REFUND_WINDOW_MS, REFUND_SETTLE_MS, REFUND_TO_GATEWAY_MS, sandboxRefundOutcome } from "./sandbox.js";

// Refunds (reference §2.4 and Juspay's refund-order API reference): the
// checks Juspay makes on POST /orders/:id/refunds and POST /refunds, and the
// refund's progress over simulated time (sandbox.ts has the timings and the
// outcome rules). Progress happens on clock timers and, so that
// `clock.advance()` + read always shows it, lazily in settleRefunds().

/** Outcomes chosen before the refund arrives, per state (not persisted: test/admin scaffolding). */
const presetOutcomes = new WeakMap<object, Map<string, RefundStatus>>();

function presetKey(orderId: string, uniqueRequestId: string): string {
  return `${orderKey(orderId)}\u0000${uniqueRequestId}`;
}

/**
 * Forces the final status of a refund (by order id and unique_request_id).
 * Works for a refund that is not final yet, or one that has not arrived yet.
 * Returns false when the refund already reached its final status.
 */
export function setRefundOutcome(ctx: SimContext, orderId: string, uniqueRequestId: string, outcome: Exclude<RefundStatus, "PENDING">): boolean {
  const refund = orderRecord(ctx.state, orderId)?.refunds.find((r) => r.uniqueRequestId === uniqueRequestId);
  if (!refund) {
    let presets = presetOutcomes.get(ctx.state);
    if (!presets) presetOutcomes.set(ctx.state, (presets = new Map()));
    presets.set(presetKey(orderId, uniqueRequestId), outcome);
    return true;
  }
  if (refund.status !== "PENDING") return false;
  refund.settleTo = outcome;
  ctx.changed();
  return true;
}

/** The unique_request_id rule: required, < 21 characters, no special characters. */
function checkUniqueRequestId(id: string): void {
  if (id.length > 20) throw refundError("invalid.unique_request_id", "unique_request_id should be less than 21 characters.");
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw refundError("invalid.unique_request_id", "unique_request_id must not contain special characters.");
}

/**
 * Validates and records a refund on an order whose txns are already settled.
 * Every call is counted by unique_request_id first (even ones rejected as
 * duplicates): a client that invents a new id per retry shows up there.
 */
export function createRefund(ctx: SimContext, order: Order, fields: Fields): Refund {
  const uniqueRequestId = (fields["unique_request_id"] ?? "").trim();
  if (uniqueRequestId !== "") ctx.counters.noteRefundRequest(order.orderId, uniqueRequestId);
  if (uniqueRequestId === "" || (fields["amount"] ?? "").trim() === "") throw refundFieldsMissing();
  checkUniqueRequestId(uniqueRequestId);
  // A reused id is rejected, never replayed (reference §1.6).
  if (order.refunds.some((r) => r.uniqueRequestId === uniqueRequestId)) {
    throw refundError("duplicate.call", "A refund call was already completed with this unique_request_id for the order.");
  }
  const amountMinor = parseAmount(fields["amount"], order.currency);
  if (amountMinor === undefined || amountMinor <= 0) throw refundError("invalid amount", "Amount is invalid.");
  const txnId = fields["txn_id"]?.trim();
  // Only a CHARGED order, and (by txn_id) only the txn that charged it, can be refunded.
  if (order.status !== "CHARGED" || (txnId && !order.txns.some((t) => t.txnId === txnId && t.status === "CHARGED"))) {
    // The docs' excerpt cuts this code off after "invalid.order.not_successf"; the tail is inferred.
    throw refundError("invalid.order.not_successful", "Cannot process unsuccessful order.");
  }
  const now = ctx.clock.now();
  if (order.refunds.some((r) => r.amountMinor === amountMinor && now - r.createdAt < DUPLICATE_REFUND_WINDOW_MS)) {
    throw refundError("duplicate.call", "A refund call was already processing with this amount for the order.");
  }
  if (amountMinor > order.amountMinor - amountRefundedMinor(order)) {
    throw refundError("invalid.amount.exceeded", "Refund amount exceeds the refundable amount.");
  }
  const key = presetKey(order.orderId, uniqueRequestId);
  const preset = presetOutcomes.get(ctx.state)?.get(key);
  presetOutcomes.get(ctx.state)?.delete(key);
  const refund: Refund = {
    id: null,
    uniqueRequestId,
    amountMinor,
    status: "PENDING",
    sentToGateway: false,
    refundType: fields["refund_type"]?.toUpperCase() === "INSTANT" ? "INSTANT" : "STANDARD",
    initiatedBy: "API",
    errorCode: null,
    errorMessage: "",
    createdAt: now,
    sendAt: now + REFUND_TO_GATEWAY_MS,
    settleAt: now + REFUND_SETTLE_MS,
    settleTo: preset ?? sandboxRefundOutcome(amountMinor),
    ref: null,
    arn: null,
  };
  order.refunds.push(refund);
  order.updatedAt = now;
  ctx.changed();
  emitOrderEvent(ctx, "REFUND_INITIATED", order);
  scheduleRefund(ctx, order.orderId, refund);
  return refund;
}

/** Timers for the two moves; settleRefunds() is idempotent, so early reads and late timers agree. */
export function scheduleRefund(ctx: SimContext, orderId: string, refund: Refund): void {
  const run = (): void => {
    const order = orderRecord(ctx.state, orderId);
    if (order) settleRefunds(ctx, order);
  };
  ctx.clock.at(refund.sendAt, run);
  ctx.clock.at(refund.settleAt, run);
}

/** Applies every refund move that is due by the simulated clock. */
export function settleRefunds(ctx: SimContext, order: Order): void {
  const now = ctx.clock.now();
  for (const refund of order.refunds) {
    if (!refund.sentToGateway && refund.status === "PENDING" && refund.sendAt <= now) {
      refund.sentToGateway = true;
      // Juspay maps the id to unique_request_id when the gateway gives none.
      refund.id = refund.uniqueRequestId;
      order.updatedAt = now;
      ctx.changed();
    }
    if (refund.status === "PENDING" && refund.settleAt <= now) finish(ctx, order, refund, now);
  }
}

function finish(ctx: SimContext, order: Order, refund: Refund, now: number): void {
  refund.sentToGateway = true;
  refund.id ??= refund.uniqueRequestId;
  refund.status = refund.settleTo;
  order.updatedAt = now;
  const gatewayRef = `rfnd_${refund.uniqueRequestId.replace(/[^A-Za-z0-9]/g, "").slice(0, 14)}`;
  switch (refund.status) {
    case "SUCCESS":
      refund.ref = gatewayRef;
      refund.arn = String(74_000_000_000 + (refund.createdAt % 1_000_000_000));
      refund.errorCode = "00";
      refund.errorMessage = "Refund Success";
      break;
    case "FAILURE":
      refund.errorCode = "REFUND_FAILED";
      refund.errorMessage = "Refund declined by the gateway (sandbox rule)";
      break;
    case "MANUAL_REVIEW":
      refund.ref = gatewayRef;
      refund.errorMessage = "Refund request was raised for this transaction. But it is pending state.";
      break;
    default:
      break;
  }
  ctx.changed();
  const event = { SUCCESS: "ORDER_REFUNDED", FAILURE: "ORDER_REFUND_FAILED", MANUAL_REVIEW: "REFUND_MANUAL_REVIEW_NEEDED" }[
    refund.status as Exclude<RefundStatus, "PENDING">
  ];
  if (event) emitOrderEvent(ctx, event, order);
}

/** The order behind a POST /refunds call: by order_id, or by txn_id (`<merchant>-<order>-<n>`). */
export function orderForRefund(ctx: SimContext, fields: Fields): Order {
  const orderId = fields["order_id"]?.trim();
  const txnId = fields["txn_id"]?.trim();
  if (orderId) {
    const order = orderRecord(ctx.state, orderId);
    if (!order) throw orderNotFound(orderId);
    return order;
  }
  if (txnId) {
    const order = Object.values(ctx.state.orders).find((o) => o.txns.some((t) => t.txnId === txnId));
    if (!order) throw refundError("invalid.txn_id", "Transaction not found.");
    return order;
  }
  throw refundFieldsMissing();
}
