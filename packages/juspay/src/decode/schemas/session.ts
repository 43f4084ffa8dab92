import { z } from "zod";
import { maskableObject, scalarIn, textOf, timeIn, timeOf, type Wire } from "../fields.js";
import { ORDER_STATUSES, decodeEnum, type OrderStatus } from "../statuses.js";
import type { JuspayTime } from "../time.js";
import { PaymentLinksWire, toPaymentLinks, type JuspayPaymentLinks } from "./common.js";

// POST /session (reference §2.2): the order it created and the SDK process
// payload, which goes to the app unchanged (`sdkPayload` is the object exactly
// as received). A paymentManagement session has no order. The payload's
// expiry is `sdk_payload.expiry`; Juspay's v1 sample has none, only
// `sdk_payload.payload.clientAuthTokenExpiry` (the token the payload lives by),
// so that stands in for it.

export const SessionWire = z.looseObject({
  status: scalarIn,
  id: scalarIn,
  order_id: scalarIn,
  payment_links: maskableObject(PaymentLinksWire),
  sdk_payload: z.looseObject({ requestId: scalarIn, service: scalarIn, payload: z.looseObject({ clientAuthTokenExpiry: timeIn }), expiry: timeIn }),
});

export interface JuspaySession {
  status: OrderStatus | null;
  statusRaw: string | null;
  /** Juspay's order id (`ordeh_…`). */
  id: string | null;
  orderId: string | null;
  paymentLinks: JuspayPaymentLinks | null;
  /** Pass to the app as the HyperSDK `process` payload, unchanged. */
  sdkPayload: Wire;
  /** `sdk_payload.expiry`, else `sdk_payload.payload.clientAuthTokenExpiry`. */
  sdkPayloadExpiry: JuspayTime | null;
  raw: Wire;
}

export const SessionSchema = SessionWire.transform((w): JuspaySession => {
  const status = w.status === undefined || w.status === null ? null : decodeEnum(ORDER_STATUSES, w.status);
  return {
    status: status?.value ?? null,
    statusRaw: status?.raw ?? null,
    id: textOf(w.id),
    orderId: textOf(w.order_id),
    paymentLinks: toPaymentLinks(w.payment_links),
    sdkPayload: w.sdk_payload,
    sdkPayloadExpiry: timeOf(w.sdk_payload.expiry) ?? timeOf(w.sdk_payload.payload.clientAuthTokenExpiry),
    raw: w,
  };
});
