import type { SigningKeys } from "./keys.js";
import { SdkPayloadError } from "./errors.js";
import { signPayload } from "./sign.js";
import { HYPERPAY_SERVICE, type SdkCommonInput } from "./types.js";
import { checkCommon, checkCustomerId } from "./validate.js";

// The initiate payload (reference §3.3). Current Juspay payment-page demos
// initiate unsigned with `{action, merchantId, clientId, environment}` alone
// (juspay-sdk-integration-demo, branches payment-page-android,
// payment-page-react-native, payment-page-flutter); the older signed flavour
// adds `signaturePayload` (the JSON string {merchant_id, customer_id,
// timestamp}) signed like orderDetails, plus signature and merchantKeyId. The
// customer travels only inside the signed string: `customerId` in the
// envelope belongs to EC headless, not to the payment page.

export interface InitiatePayloadInput extends SdkCommonInput {
  /** Signed into signaturePayload's customer_id ("" when absent: guest); never copied to the envelope. */
  customerId?: string;
  /** Adds signaturePayload + signature + merchantKeyId; needs `keys`. */
  signed?: boolean;
  keys?: SigningKeys;
}

export interface InitiatePayload {
  requestId: string;
  service: typeof HYPERPAY_SERVICE;
  payload: {
    action: "initiate";
    merchantId: string;
    clientId: string;
    environment: "production" | "sandbox";
    signaturePayload?: string;
    signature?: string;
    merchantKeyId?: string;
  };
}

export interface BuiltInitiatePayload {
  payload: InitiatePayload;
  /** The JSON text the app receives. */
  payloadJson: string;
  /** Set when signed: the exact signed string. */
  signaturePayload?: string;
  signature?: string;
  merchantKeyId?: string;
}

export async function buildInitiatePayload(input: InitiatePayloadInput): Promise<BuiltInitiatePayload> {
  const common = checkCommon(input);
  const customerId = input.customerId === undefined ? undefined : checkCustomerId("customerId", input.customerId);
  const payload: InitiatePayload = {
    requestId: common.requestId,
    service: HYPERPAY_SERVICE,
    payload: {
      action: "initiate",
      merchantId: common.merchantId,
      clientId: common.clientId,
      environment: common.environment,
    },
  };
  if (input.signed !== true) return { payload, payloadJson: JSON.stringify(payload) };
  if (input.keys === undefined) throw new SdkPayloadError("keys", "are required when signed is true");
  // Guest initiate signs an empty customer_id, as orderDetails does.
  const signaturePayload = JSON.stringify({ merchant_id: common.merchantId, customer_id: customerId ?? "", timestamp: common.nowMs.toString() });
  const { signature, merchantKeyId } = await signPayload(signaturePayload, input.keys);
  Object.assign(payload.payload, { signaturePayload, signature, merchantKeyId });
  return { payload, payloadJson: JSON.stringify(payload), signaturePayload, signature, merchantKeyId };
}
