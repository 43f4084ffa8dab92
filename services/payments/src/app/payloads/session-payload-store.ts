import type { Db } from "../../db/orders-repository.js";
import { upsertSessionPayload, type KeptSessionPayload } from "../../db/session-payloads-repository.js";
import type { ProcessPayloadResult } from "./process-payload-result.js";

// The Session API payload of an order, kept so a second SESSION-flavour call
// for the order can be answered with it: Juspay issues one per order. It
// carries a client auth token: it is kept only until its own expiry, pruned
// after that, and never logged.

/** Keeps a payload just received from Juspay (a later one for the same order replaces it). No expiry known: nothing is kept. */
export async function keepSessionPayload(db: Db, result: ProcessPayloadResult): Promise<void> {
  if (result.session === undefined || result.expireTime === null) return;
  await upsertSessionPayload(db, {
    order_id: result.orderId,
    payload_json: result.payloadJson,
    request_id: result.requestId,
    service: result.service,
    web_payment_url: result.session.webPaymentUrl,
    juspay_order_id: result.session.juspayOrderId,
    expires_at: result.expireTime,
  });
}

/** The kept payload as CreateProcessPayload answers it: the same bytes the first call handed out. */
export function keptSessionResult(kept: KeptSessionPayload): ProcessPayloadResult {
  return {
    orderId: kept.order_id,
    flavour: "session",
    payloadJson: kept.payload_json,
    requestId: kept.request_id,
    service: kept.service,
    expireTime: kept.expires_at,
    session: { sdkPayloadJson: kept.payload_json, webPaymentUrl: kept.web_payment_url, juspayOrderId: kept.juspay_order_id },
  };
}
