import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { JweError } from "./errors.js";
import type { JweKeys } from "./index.js";

// PEMs are parsed once (parsing costs more than a JWS). Keyed by the PEM text
// rather than the JweKeys object, so callers that copy their config per call
// still hit the cache; a handful of keys at most (rotation), hence the cap.

export interface ParsedJweKeys {
  merchantPrivate: KeyObject;
  juspayPublic: KeyObject;
}

const MAX_CACHED = 16;
const cache = new Map<string, KeyObject>();

function cached(kind: "private" | "public", pem: unknown, parse: (pem: string) => KeyObject, fail: () => JweError): KeyObject {
  if (typeof pem !== "string") throw fail();
  // The kind is part of the key: one PEM may be read as private in one place and public in another.
  const id = `${kind}:${pem}`;
  let key = cache.get(id);
  if (key === undefined) {
    try {
      key = parse(pem);
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

export function parseJweKeys(keys: JweKeys): ParsedJweKeys {
  const merchantPrivate = cached(
    "private",
    keys.merchantPrivateKeyPem,
    (pem) => createPrivateKey({ key: pem, format: "pem" }),
    () => new JweError("invalid_key", `merchant private key for kid "${keys.keyId}" is not a readable unencrypted PEM private key`),
  );
  const juspayPublic = cached(
    "public",
    keys.juspayPublicKeyPem,
    (pem) => createPublicKey({ key: pem, format: "pem" }),
    () => new JweError("invalid_key", `Juspay public key for kid "${keys.keyId}" is not a readable PEM public key`),
  );
  return { merchantPrivate: rsa(merchantPrivate, "merchant private key"), juspayPublic: rsa(juspayPublic, "Juspay public key") };
}
