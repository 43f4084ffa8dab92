import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { JweError } from "./errors.js";

// The two key pairs of the /v4 routes (reference §5.1): the merchant's private
// key signs requests and decrypts answers; Juspay's public key encrypts
// requests and verifies answers. PEMs are parsed once (Node reads PKCS#1
// "RSA PRIVATE KEY", as in Juspay's samples, and PKCS#8 alike); jose takes
// the KeyObjects. Cached by PEM text, a handful at most (rotation).

export type OaepAlg = "RSA-OAEP" | "RSA-OAEP-256";
/** How a request is put on the wire (answers are read in either form). */
export type JweWireForm = "parts" | "compact";

export interface JweKeys {
  /** Juspay's key id for the uploaded key pair (`key_<32 hex>`). */
  keyId: string;
  /** The merchant's RSA private key (PEM): signs requests, decrypts responses. */
  merchantPrivateKeyPem: string;
  /** Juspay's RSA public key (PEM): encrypts requests, verifies responses. */
  juspayPublicKeyPem: string;
  /** Key wrapping of requests; UNCONFIRMED which Juspay accepts (SDKs disagree), so a setting. */
  oaep: OaepAlg;
  /**
   * Request body form: "parts" `{header, encryptedKey, iv, encryptedPayload, tag}`
   * (Node/.NET SDKs, HDFC samples) or "compact" `{"JWT": "<compact JWE>"}`
   * (docs' v4 order-status sample). Default "parts".
   */
  wireForm?: JweWireForm;
}

export interface ParsedJweKeys {
  merchantPrivate: KeyObject;
  juspayPublic: KeyObject;
}

const KEY_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_CACHED = 16;
const cache = new Map<string, KeyObject>();

function cached(kind: "private" | "public", pem: unknown, fail: () => JweError): KeyObject {
  if (typeof pem !== "string") throw fail();
  // The kind is part of the key: one PEM may be read as private in one place and public in another.
  const id = `${kind}:${pem}`;
  let key = cache.get(id);
  if (key === undefined) {
    try {
      key = kind === "private" ? createPrivateKey({ key: pem, format: "pem" }) : createPublicKey({ key: pem, format: "pem" });
    } catch {
      throw fail(); // OpenSSL's message is dropped: it may quote the input
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(id, key);
  }
  return key;
}

function rsa(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== "rsa") throw new JweError("invalid_key", `${what} must be an RSA key`);
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new JweError("invalid_key", `${what} must be at least 2048 bits`);
  return key;
}

/** Checks the settings and reads both keys; throws JweError("invalid_key") naming what is wrong, never quoting it. */
export function parseJweKeys(keys: JweKeys): ParsedJweKeys {
  if (typeof keys?.keyId !== "string" || !KEY_ID.test(keys.keyId)) throw new JweError("invalid_key", "keyId must be 1-128 printable ASCII characters");
  if (keys.oaep !== "RSA-OAEP" && keys.oaep !== "RSA-OAEP-256") throw new JweError("invalid_key", 'oaep must be "RSA-OAEP" or "RSA-OAEP-256"');
  if (keys.wireForm !== undefined && keys.wireForm !== "parts" && keys.wireForm !== "compact") throw new JweError("invalid_key", 'wireForm must be "parts" or "compact"');
  const merchantPrivate = cached("private", keys.merchantPrivateKeyPem, () => new JweError("invalid_key", `merchant private key for kid "${keys.keyId}" is not a readable unencrypted PEM private key`));
  const juspayPublic = cached("public", keys.juspayPublicKeyPem, () => new JweError("invalid_key", `Juspay public key for kid "${keys.keyId}" is not a readable PEM public key`));
  return { merchantPrivate: rsa(merchantPrivate, "merchant private key"), juspayPublic: rsa(juspayPublic, "Juspay public key") };
}
