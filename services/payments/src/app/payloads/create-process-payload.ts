import { SdkPayloadError, isJuspayError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { OrderRow } from "../../db/orders-repository.js";
import type { AppContext } from "../context.js";
import { ensureJuspayCustomer } from "../customers/ensure-juspay-customer.js";
import { fieldError } from "../errors.js";
import { completeKey, releaseKey, type KeyRef } from "../idempotency.js";
import type { CallBudget } from "../ports.js";
import { buildSignedPayload } from "./build-signed-payload.js";
import { claimOrder } from "./claim-order.js";
import { checkProcessPayloadInput, mandateCustomerOf, type ProcessPayloadInput } from "./process-payload-input.js";
import type { ProcessPayloadEncoder, ProcessPayloadResult } from "./process-payload-result.js";
import { requestFieldOf } from "./sdk-order.js";
import { sessionPayloadForOrder } from "./session-payload-for-order.js";
import { requireSigningKeys, signedPayloadExpiry } from "./signing.js";

// CreateProcessPayload: check, make sure a mandate's customer exists at
// Juspay (before anything is written: a failure there leaves no row), claim
// the key and write the order (one transaction), build the payload outside any transaction (signing runs on
// the thread pool; the Session API call on the caller's deadline), store the
// response bytes under the key. Round trips for a new signature payload:
// BEGIN, claim, insert order, enqueue sync, COMMIT, then one autocommitted
// complete.
// Returns the response bytes: a replay answers the stored ones unchanged.

export async function createProcessPayload(ctx: AppContext, input: ProcessPayloadInput, budget: CallBudget, encode: ProcessPayloadEncoder): Promise<Uint8Array> {
  checkProcessPayloadInput(ctx, input, new Date());
  const flavour = input.flavour ?? ctx.settings.defaultFlavour;
  // Refuse before writing anything when this deployment cannot sign.
  if (flavour === "signature") requireSigningKeys(ctx);
  // A mandate payload (of either flavour, a replay included) registers the mandate at Juspay: its customer must exist there first.
  if (input.mandate !== null) await ensureJuspayCustomer(ctx, mandateCustomerOf(input), budget);

  // Fixed before the row is written: the expiry recorded with it is the signed payload's own.
  const signedAt = new Date();
  const claim = await claimOrder(ctx, input, flavour === "signature" ? signedPayloadExpiry(ctx, signedAt) : null);
  if (claim.kind === "replay") return claim.response;

  let result: ProcessPayloadResult;
  try {
    result = await build(ctx, flavour, claim.order, budget, signedAt);
  } catch (err) {
    await forgetUnlessApplied(ctx, claim.ref, err);
    throw translate(err);
  }
  const response = encode(result);
  const juspayOrderId = result.session?.juspayOrderId;
  if (juspayOrderId) {
    await ctx.db.transaction().execute(async (trx) => {
      await completeKey(trx, claim.ref, response, input.orderId);
      await trx.updateTable("orders").set({ juspay_order_id: juspayOrderId }).where("order_id", "=", input.orderId).where("juspay_order_id", "is", null).execute();
    });
  } else {
    await completeKey(ctx.db, claim.ref, response, input.orderId);
  }
  ctx.logger.info({ orderId: input.orderId, flavour: result.flavour, requested: flavour, created: claim.created }, "process payload issued");
  return response;
}

function build(ctx: AppContext, flavour: "signature" | "session", order: OrderRow, budget: CallBudget, signedAt: Date): Promise<ProcessPayloadResult> {
  return flavour === "signature" ? buildSignedPayload(ctx, order, signedAt) : sessionPayloadForOrder(ctx, order, budget);
}

/**
 * Nothing happened upstream (signing failed, or Juspay refused or was never
 * reached): free the key so a retry runs afresh; the order row stays. When a
 * Session call may have reached Juspay the claim is kept: a retry after the
 * lock expires resumes it rather than racing a session we cannot see.
 */
async function forgetUnlessApplied(ctx: AppContext, ref: KeyRef, err: unknown): Promise<void> {
  if (isJuspayError(err) && err.outcome === "unknown") return;
  await releaseKey(ctx.db, ref).catch((releaseErr: unknown) => {
    ctx.logger.warn({ err: releaseErr instanceof Error ? releaseErr.message : String(releaseErr) }, "could not release an idempotency key; it expires by itself");
  });
}

/** A builder refusal our checks missed is still the request's fault, not a crash. */
function translate(err: unknown): unknown {
  if (err instanceof SdkPayloadError) return fieldError(ErrorReason.INVALID_FIELD, requestFieldOf(err.field), "custom", err.reason);
  return err;
}
