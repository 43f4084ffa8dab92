import { JuspayDuplicateError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { SESSION_REUSE_DEFAULTS, type SessionReuseSettings } from "../../session-reuse-config.js";
import { lockOrder, type OrderRow } from "../../db/orders-repository.js";
import { isTerminalOrderStatus } from "../../domain/order-status.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import type { CallBudget } from "../ports.js";
import { buildSessionPayload } from "./build-session-payload.js";
import { buildSignedPayload } from "./build-signed-payload.js";
import { extendSignedPayloadExpiry } from "./claim-order.js";
import type { ProcessPayloadResult } from "./process-payload-result.js";
import { findSessionPayload } from "../../db/session-payloads-repository.js";
import { keepSessionPayload, keptSessionResult } from "./session-payload-store.js";
import { signedPayloadExpiry } from "./signing.js";

// SESSION flavour for an order (issue 17, point 8). Juspay's Session API
// creates the order and issues one sdk_payload for it; a second /session for
// the order is DUPLICATE_ORDER_ID. So:
// 1. a payload we kept for the order, with at least minValidityMs left, is
//    answered again (no Juspay call);
// 2. else, when none was kept, /session is called and its payload kept;
// 3. Juspay holds the order's session but its payload is expired or was never
//    seen (the answer was lost): the configured fallback, a payload signed
//    for the order (Juspay's SDK accepts one for an existing order with the
//    same amount and customer), or ALREADY_EXISTS as Juspay's duplicate.

export async function sessionPayloadForOrder(ctx: AppContext, order: OrderRow, budget: CallBudget): Promise<ProcessPayloadResult> {
  const settings = ctx.settings.sessionReuse ?? SESSION_REUSE_DEFAULTS;
  const kept = await findSessionPayload(ctx.db, order.order_id);
  if (kept !== undefined) {
    if (settings.reuse && kept.expires_at.getTime() - Date.now() >= settings.minValidityMs) return keptSessionResult(kept);
    return fallback(ctx, order, settings, "its payload has expired");
  }
  let result: ProcessPayloadResult;
  try {
    result = await buildSessionPayload(ctx, order, budget);
  } catch (err) {
    // The order's session exists at Juspay: an earlier call whose answer was lost made it.
    if (err instanceof JuspayDuplicateError) return fallback(ctx, order, settings, "its payload was never received");
    throw err;
  }
  if (settings.reuse) await keepSessionPayload(ctx.db, result);
  return result;
}

async function fallback(ctx: AppContext, order: OrderRow, settings: SessionReuseSettings, why: string): Promise<ProcessPayloadResult> {
  if (settings.fallback === "refuse" || ctx.signingKeys === null) throw sessionNotReusable(order.order_id, why);
  const signedAt = new Date();
  // As claimOrder does for a signed payload: its expiry is recorded under the row lock, and the row signed is the locked one.
  const locked = await ctx.db.transaction().execute(async (trx) => {
    const row = await lockOrder(trx, order.order_id);
    if (row === undefined) throw new AppError("internal", ErrorReason.INTERNAL, `order ${order.order_id} is missing`);
    if (isTerminalOrderStatus(row.status)) {
      throw new AppError("failed_precondition", ErrorReason.ORDER_NOT_PAYABLE, `order ${row.order_id} is ${row.status}: no new payment can be started for it`);
    }
    await extendSignedPayloadExpiry(trx, row, signedPayloadExpiry(ctx, signedAt));
    return row;
  });
  ctx.logger.info({ orderId: order.order_id, why }, "the order's Juspay session cannot be reused: signed payload instead");
  return buildSignedPayload(ctx, locked, signedAt);
}

function sessionNotReusable(orderId: string, why: string): AppError {
  return new AppError(
    "already_exists",
    ErrorReason.ID_ALREADY_USED,
    `order ${orderId} already has a Juspay session (${why}) and Juspay issues one per order: ask for flavour SIGNATURE, or use a new order_id`,
    { violations: [{ field: "order_id", rule: "custom", description: "already has a Juspay session whose payload cannot be answered again" }] },
  );
}
