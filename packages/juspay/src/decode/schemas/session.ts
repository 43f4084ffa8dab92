import { z } from "zod";
import { anyObject, maskableObject, scalarIn, textOf, timeIn, timeOf, type Wire } from "../fields.js";
import { ORDER_STATUSES, decodeEnum, type OrderStatus } from "../statuses.js";
import type { JuspayTime } from "../time.js";
import { PaymentLinksWire, toPaymentLinks, type JuspayPaymentLinks } from "./common.js";

// POST /session (reference §2.2): the order it created and the SDK process
// payload, which goes to the app unchanged (`sdkPayload` is the object exactly
// as received). A paymentManagement session has no order.

export const SessionWire = z.looseObject({
  status: scalarIn,
  id: scalarIn,
  order_id: scalarIn,
  payment_links: maskableObject(PaymentLinksWire),
  sdk_payload: z.looseObject({ requestId: scalarIn, service: scalarIn, payload: anyObject, expiry: timeIn }),
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
    sdkPayloadExpiry: timeOf(w.sdk_payload.expiry),
    raw: w,
  };
});
