// HyperSDK payloads (reference §3): signing keys, the signer, and the
// initiate / process (signature flavour) payload builders.
export { SdkPayloadError, SigningKeyError } from "./errors.js";
export { SigningKey, SigningKeys, type SigningKeyConfig, type SigningKeyInfo } from "./keys.js";
export { signPayload, verifyPayloadSignature, type SignedText } from "./sign.js";
export { currencyDecimals, formatMinorAmount } from "./amount.js";
export { DEFAULT_SDK_LANGUAGE, buildProcessPayload, checkProcessPayloadOrder, type BuiltProcessPayload, type ProcessPayload, type ProcessPayloadInput } from "./process.js";
export { buildInitiatePayload, type BuiltInitiatePayload, type InitiatePayload, type InitiatePayloadInput } from "./initiate.js";
export { HYPERPAY_SERVICE, MANDATE_FREQUENCIES, type MandateFrequency, type SdkCommonInput, type SdkEnvironment, type SdkMandate, type SdkOrder } from "./types.js";
export { MANDATE_RULE_VALUE_MAX } from "./validate.js";
