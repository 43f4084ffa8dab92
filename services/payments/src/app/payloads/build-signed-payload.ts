import { buildProcessPayload } from "@payments/juspay";
import type { OrderRow } from "../../db/orders-repository.js";
import { loadMandateOptions, resolveMandateTerms } from "../../domain/mandate-options.js";
import type { AppContext } from "../context.js";
import type { ProcessPayloadResult } from "./process-payload-result.js";
import { sdkOrderOf } from "./sdk-order.js";
import { PAYLOAD_VALIDITY_MS, requireSigningKeys } from "./signing.js";

// SIGNATURE flavour (reference §3.5): orderDetails built from OUR order row
// (amount and customer never come from the request once the row exists),
// signed with the active key off the event loop. No I/O. `now` is the signed
// timestamp: the caller has recorded the payload's expiry from it.

export async function buildSignedPayload(ctx: AppContext, order: OrderRow, now: Date): Promise<ProcessPayloadResult> {
  const keys = requireSigningKeys(ctx);
  const mandate = loadMandateOptions(order.mandate_options);
  const built = await buildProcessPayload({
    merchantId: ctx.merchantId,
    clientId: ctx.settings.clientId,
    environment: ctx.settings.sdkEnvironment,
    ...(ctx.settings.sdkLanguage !== undefined && { language: ctx.settings.sdkLanguage }),
    now,
    keys,
    order: sdkOrderOf(order),
    ...(mandate !== null && { mandate: resolveMandateTerms(mandate, now) }),
  });
  return {
    orderId: order.order_id,
    flavour: "signature",
    payloadJson: built.payloadJson,
    requestId: built.payload.requestId,
    service: built.payload.service,
    expireTime: new Date(now.getTime() + PAYLOAD_VALIDITY_MS),
    signed: { orderDetails: built.orderDetails, signature: built.signature, merchantKeyId: built.merchantKeyId, signTime: now },
  };
}
