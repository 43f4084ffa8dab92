// Errors of the JWE/JWS layer, named after the Node SDK's (reference §5.2).
// Messages never carry key material, plaintext or the crypto library's text.

export type JweErrorCode = "invalid_key" | "malformed" | "decryption_failed" | "signature_invalid";

export class JweError extends Error {
  override readonly name = "JweError";
  constructor(
    readonly code: JweErrorCode,
    message: string,
  ) {
    super(message);
  }
}
