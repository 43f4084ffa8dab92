import { constants, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { SdkPayloadError } from "./errors.js";
import { privateKeyOf, type SigningKeys } from "./keys.js";

// RSASSA-PKCS1-v1_5 with SHA-256 over the UTF-8 bytes of the exact string
// (reference §3.6), standard base64 without line breaks.
//
// Off the event loop: crypto.sign/verify with a callback run on the libuv
// threadpool, so a busy service signs on every core while the loop keeps
// serving. The pool has 4 threads by default and is shared with fs, dns.lookup
// and zlib; on a machine with more cores set UV_THREADPOOL_SIZE (e.g. to the
// core count) before Node starts, since it cannot be changed afterwards.

export interface SignedText {
  /** Standard base64 (`+/=`), no line breaks. */
  signature: string;
  /** The key that signed: send it as `merchantKeyId` next to the signature. */
  merchantKeyId: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string encodes to UTF-8 without replacement characters. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function signAsync(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING }, (err, signature) => (err ? reject(err) : resolve(signature)));
  });
}

/** Signs `text` with the active key, on the threadpool. */
export async function signPayload(text: string, keys: SigningKeys): Promise<SignedText> {
  if (typeof text !== "string") throw new SdkPayloadError("text", "must be a string");
  // A lone surrogate would be signed as U+FFFD while the app sends it escaped: the signature could never match.
  if (!isWellFormedText(text)) throw new SdkPayloadError("text", "must be well-formed Unicode (lone surrogate)");
  const key = keys.active();
  const signature = await signAsync(Buffer.from(text, "utf8"), privateKeyOf(key));
  return { signature: signature.toString("base64"), merchantKeyId: key.keyId };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks a signature the way Juspay does (strict standard base64), on the
 * threadpool. `publicKey` is a KeyObject or an SPKI/PKCS#1 PEM.
 */
export async function verifyPayloadSignature(text: string, signature: string, publicKey: KeyObject | string): Promise<boolean> {
  if (typeof text !== "string" || typeof signature !== "string" || !BASE64.test(signature) || signature === "") return false;
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  return new Promise((resolve) => {
    verify("sha256", Buffer.from(text, "utf8"), { key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signature, "base64"), (err, ok) =>
      resolve(err ? false : ok),
    );
  });
}
