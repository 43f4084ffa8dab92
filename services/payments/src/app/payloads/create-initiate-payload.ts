import { buildInitiatePayload } from "@payments/juspay";
import type { AppContext } from "../context.js";
import { PAYLOAD_VALIDITY_MS } from "./signing.js";

// CreateInitiatePayload: the HyperServices.initiate payload (reference §3.3).
// Cheap and stateless: no database, no Juspay call. Signed (the older
// signaturePayload form) whenever a key is configured, unsigned otherwise, as
// current Juspay demos initiate.

export interface InitiatePayloadResult {
  payloadJson: string;
  requestId: string;
  service: string;
  action: string;
  merchantId: string;
  clientId: string;
  environment: "sandbox" | "production";
  /** Set when signed. */
  signed: { signaturePayload: string; signature: string; merchantKeyId: string; signTime: Date; expireTime: Date } | null;
}

export async function createInitiatePayload(ctx: AppContext, customerId: string): Promise<InitiatePayloadResult> {
  const now = new Date();
  const keys = ctx.signingKeys;
  const built = await buildInitiatePayload({
    merchantId: ctx.merchantId,
    clientId: ctx.settings.clientId,
    environment: ctx.settings.sdkEnvironment,
    customerId,
    now,
    ...(keys !== null && { signed: true, keys }),
  });
  const { payload } = built;
  return {
    payloadJson: built.payloadJson,
    requestId: payload.requestId,
    service: payload.service,
    action: payload.payload.action,
    merchantId: payload.payload.merchantId,
    clientId: payload.payload.clientId,
    environment: payload.payload.environment,
    signed:
      built.signaturePayload !== undefined && built.signature !== undefined && built.merchantKeyId !== undefined
        ? {
            signaturePayload: built.signaturePayload,
            signature: built.signature,
            merchantKeyId: built.merchantKeyId,
            signTime: now,
            expireTime: new Date(now.getTime() + PAYLOAD_VALIDITY_MS),
          }
        : null,
  };
}
