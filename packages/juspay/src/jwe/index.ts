// JWE/JWS mode for Juspay's /v4 routes (reference §5): sign the request JSON
// as a JWS (RS256) with the merchant key, encrypt it as a JWE with Juspay's
// key, and the reverse for responses. Placeholder: filled in with the module.

export interface JweKeys {
  /** Juspay's key id for the uploaded key pair (`key_<32 hex>`). */
  keyId: string;
  /** The merchant's RSA private key (PEM): signs requests, decrypts responses. */
  merchantPrivateKeyPem: string;
  /** Juspay's RSA public key (PEM): encrypts requests, verifies responses. */
  juspayPublicKeyPem: string;
  /** OAEP variant for the content key; UNCONFIRMED which Juspay accepts, so a setting. */
  oaep: "RSA-OAEP" | "RSA-OAEP-256";
}

/** The JSON body for a /v4 request: `{header, encryptedKey, iv, encryptedPayload, tag}`. */
export function encryptRequest(_payload: Record<string, unknown>, _keys: JweKeys): Record<string, string> {
  throw new Error("not implemented yet");
}

/** Decrypts and verifies a /v4 response body; returns Juspay's JSON answer. */
export function decryptResponse(_body: unknown, _keys: JweKeys): unknown {
  throw new Error("not implemented yet");
}
