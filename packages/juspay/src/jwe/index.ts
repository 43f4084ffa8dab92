// JWE/JWS mode for Juspay's /v4 routes (reference §5): sign the request JSON
// as a JWS (RS256) with the merchant key, encrypt it as a JWE with Juspay's
// key, and the reverse for responses. Wire format (a): a JSON body
// {header, encryptedKey, iv, encryptedPayload, tag} whose encryptedPayload
// decrypts to the JSON {header, payload, signature} of the JWS.
//
// Synchronous: one RSA-2048 operation each way (~1-2 ms), for server calls
// that are few next to SDK signatures (those run on the threadpool, ../sdk).

import { JweError } from "./errors.js";
import { decryptJwe, encryptJwe, readJweParts } from "./jwe.js";
import { parseJwsParts, signJws, verifyJws } from "./jws.js";
import { parseJweKeys } from "./keys.js";

export { JweError, type JweErrorCode } from "./errors.js";
export type { JweParts, OaepAlg } from "./jwe.js";
export type { JwsParts } from "./jws.js";

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

const KEY_ID = /^[\x21-\x7e]{1,128}$/;

function checkKeys(keys: JweKeys): void {
  if (typeof keys?.keyId !== "string" || !KEY_ID.test(keys.keyId)) throw new JweError("invalid_key", "keyId must be 1-128 printable ASCII characters");
  if (keys.oaep !== "RSA-OAEP" && keys.oaep !== "RSA-OAEP-256") throw new JweError("invalid_key", 'oaep must be "RSA-OAEP" or "RSA-OAEP-256"');
}

/** The JSON body for a /v4 request: `{header, encryptedKey, iv, encryptedPayload, tag}`. */
export function encryptRequest(payload: Record<string, unknown>, keys: JweKeys): Record<string, string> {
  checkKeys(keys);
  const { merchantPrivate, juspayPublic } = parseJweKeys(keys);
  let payloadText: string | undefined;
  try {
    payloadText = JSON.stringify(payload);
  } catch {
    payloadText = undefined;
  }
  if (typeof payloadText !== "string" || typeof payload !== "object" || payload === null) throw new JweError("malformed", "request payload is not a JSON object");
  const jws = signJws(payloadText, keys.keyId, merchantPrivate);
  const { header, encryptedKey, iv, encryptedPayload, tag } = encryptJwe(JSON.stringify(jws), keys.oaep, keys.keyId, juspayPublic);
  return { header, encryptedKey, iv, encryptedPayload, tag };
}

/**
 * Decrypts and verifies a /v4 response body (object, JSON text or Buffer);
 * returns Juspay's JSON answer. The OAEP hash follows the response header's
 * `alg`, whatever `keys.oaep` says. Throws JweError.
 */
export function decryptResponse(body: unknown, keys: JweKeys): unknown {
  checkKeys(keys);
  const { merchantPrivate, juspayPublic } = parseJweKeys(keys);
  const plaintext = decryptJwe(readJweParts(body), merchantPrivate);
  const payloadText = verifyJws(parseJwsParts(plaintext), juspayPublic);
  try {
    return JSON.parse(payloadText);
  } catch {
    throw new JweError("malformed", "verified payload is not JSON");
  }
}
