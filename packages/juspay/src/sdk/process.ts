import { formatMinorAmount } from "./amount.js";
import type { SigningKeys } from "./keys.js";
import { buildOrderDetails } from "./order-details.js";
import { signPayload } from "./sign.js";
import { HYPERPAY_SERVICE, type SdkCommonInput, type SdkMandate, type SdkOrder } from "./types.js";
import { checkCommon, checkMandate, checkOrder, checkText } from "./validate.js";

// The signature-flavour process payload ("Payment Page Enterprise",
// reference §3.5): the app hands `payloadJson` to HyperServices.process. The
// envelope follows Juspay's sample (juspay-sdk-integration-demo, branch
// payment-page-signature, sample-payloads/process-payload.json): convenience
// copies orderId, amount, customerId, customerEmail, customerMobile (not
// customerPhone) and currency, plus language. Juspay reads the order from the
// signed `orderDetails`; the copies are built from the same checked input so
// they always say what was signed.

/** `language` of Juspay's sample. */
export const DEFAULT_SDK_LANGUAGE = "english";
const LANGUAGE = { max: 32, pattern: /^[a-z]+$/, patternReason: "must be lower-case letters, e.g. english" };

export interface ProcessPayloadInput extends SdkCommonInput {
  order: SdkOrder;
  mandate?: SdkMandate;
  keys: SigningKeys;
  /** The payment page's language; default "english" (Juspay's sample). */
  language?: string;
}

export interface ProcessPayload {
  requestId: string;
  service: typeof HYPERPAY_SERVICE;
  payload: {
    action: "paymentPage";
    merchantId: string;
    clientId: string;
    environment: "production" | "sandbox";
    orderId: string;
    amount: string;
    customerId: string;
    customerEmail?: string;
    /** orderDetails' customer_phone, under the name of Juspay's sample. */
    customerMobile?: string;
    currency: string;
    /** The exact signed JSON text. */
    orderDetails: string;
    signature: string;
    merchantKeyId: string;
    language: string;
  };
}

export interface BuiltProcessPayload {
  payload: ProcessPayload;
  /** The JSON text the app receives. */
  payloadJson: string;
  orderDetails: string;
  signature: string;
  merchantKeyId: string;
}

/**
 * Every check buildProcessPayload makes of the order and mandate, alone: a
 * caller that stores the order first runs it before writing, so an order the
 * builder would refuse is never stored. Throws SdkPayloadError naming the field.
 */
export function checkProcessPayloadOrder(order: SdkOrder, mandate?: SdkMandate): void {
  checkOrder(order);
  if (mandate !== undefined) checkMandate(mandate, order.amountMinor);
}

/** Validates, builds `orderDetails` once, signs it (off the event loop) and wraps it. */
export async function buildProcessPayload(input: ProcessPayloadInput): Promise<BuiltProcessPayload> {
  const common = checkCommon(input);
  checkProcessPayloadOrder(input.order, input.mandate);
  const language = input.language === undefined ? DEFAULT_SDK_LANGUAGE : checkText("language", input.language, LANGUAGE);
  const { order } = input;
  const orderDetails = buildOrderDetails(common.merchantId, order, input.mandate, common.nowMs);
  const { signature, merchantKeyId } = await signPayload(orderDetails, input.keys);
  const payload: ProcessPayload = {
    requestId: common.requestId,
    service: HYPERPAY_SERVICE,
    payload: {
      action: "paymentPage",
      merchantId: common.merchantId,
      clientId: common.clientId,
      environment: common.environment,
      orderId: order.orderId,
      // The envelope copies must equal what was signed.
      amount: formatMinorAmount(order.amountMinor, order.currency),
      customerId: order.customerId,
      ...(order.customerEmail !== undefined && { customerEmail: order.customerEmail }),
      ...(order.customerPhone !== undefined && { customerMobile: order.customerPhone }),
      currency: order.currency,
      orderDetails,
      signature,
      merchantKeyId,
      language,
    },
  };
  return { payload, payloadJson: JSON.stringify(payload), orderDetails, signature, merchantKeyId };
}
