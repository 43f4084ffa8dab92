// Errors of the SDK payload builders. Messages name the field and the rule,
// never the value: values are customer data (email, phone) or key material.

/** An input that would produce a payload Juspay rejects (or we refuse to sign). */
export class SdkPayloadError extends Error {
  override readonly name = "SdkPayloadError";
  constructor(
    /** The input path, e.g. `order.orderId`, `mandate.ruleValue`. */
    readonly field: string,
    /** The broken rule, e.g. `must be 1-7 for WEEKLY`. */
    readonly reason: string,
  ) {
    super(`invalid ${field}: ${reason}`);
  }
}

/** A signing key that cannot be used (bad PEM, not RSA, too short, duplicate id, ...). */
export class SigningKeyError extends Error {
  override readonly name = "SigningKeyError";
  constructor(
    /** The merchantKeyId concerned, when there is one. */
    readonly keyId: string | undefined,
    reason: string,
  ) {
    super(keyId === undefined ? `signing keys: ${reason}` : `signing key "${keyId}": ${reason}`);
  }
}
