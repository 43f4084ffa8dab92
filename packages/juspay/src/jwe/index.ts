// JWE/JWS mode for Juspay's /v4 routes (reference §5), on the jose library:
// the request JSON is signed as a JWS (RS256, merchant key) and encrypted as a
// JWE (RSA-OAEP or RSA-OAEP-256 + A256GCM, Juspay's key); answers are
// decrypted with the merchant key and verified with Juspay's. wire.ts knows
// the two envelopes Juspay uses; no cryptography is written here.

import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify } from "jose";
import { JweError } from "./errors.js";
import { parseJweKeys, type JweKeys } from "./keys.js";
import { envelopeFor, innerFor, readEnvelope, readInner } from "./wire.js";

export { JweError, type JweErrorCode } from "./errors.js";
export { parseJweKeys, type JweKeys, type JweWireForm, type OaepAlg } from "./keys.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The JSON body for a /v4 request, in `keys.wireForm` (default "parts"). */
export async function encryptRequest(payload: Record<string, unknown>, keys: JweKeys): Promise<Record<string, string>> {
  const { merchantPrivate, juspayPublic } = parseJweKeys(keys);
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new JweError("malformed", "request payload is not a JSON object");
  const form = keys.wireForm ?? "parts";
  const jws = await new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader({ alg: "RS256", kid: keys.keyId }).sign(merchantPrivate);
  const jwe = await new CompactEncrypt(encoder.encode(innerFor(form, jws)))
    .setProtectedHeader({ alg: keys.oaep, enc: "A256GCM", cty: "JWT", kid: keys.keyId })
    .encrypt(juspayPublic);
  return envelopeFor(form, jwe);
}

/**
 * Decrypts and verifies a /v4 body in either form (object, JSON text or
 * Buffer) and returns Juspay's JSON answer. The key wrapping follows the
 * answer's header (RSA-OAEP or RSA-OAEP-256, nothing else); the signature
 * must be RS256. Throws JweError.
 */
export async function decryptResponse(body: unknown, keys: JweKeys): Promise<unknown> {
  const { merchantPrivate, juspayPublic } = parseJweKeys(keys);
  const { compactJwe } = readEnvelope(body);
  let plaintext: string;
  try {
    const { plaintext: bytes } = await compactDecrypt(compactJwe, merchantPrivate, { keyManagementAlgorithms: ["RSA-OAEP", "RSA-OAEP-256"], contentEncryptionAlgorithms: ["A256GCM"] });
    plaintext = decoder.decode(bytes);
  } catch {
    throw new JweError("decryption_failed", "the answer does not decrypt with the merchant private key (tampered, wrong key or unsupported algorithm)");
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(readInner(plaintext), juspayPublic, { algorithms: ["RS256"] }));
  } catch (err) {
    if (err instanceof JweError) throw err;
    throw new JweError("signature_invalid", "the answer's JWS does not verify with Juspay's public key as RS256");
  }
  try {
    return JSON.parse(decoder.decode(payload));
  } catch {
    throw new JweError("malformed", "verified payload is not JSON");
  }
}
