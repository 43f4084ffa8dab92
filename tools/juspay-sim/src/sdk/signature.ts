import { createPublicKey, verify } from "node:crypto";

// Juspay's signed SDK payloads (reference §3.6): RSASSA-PKCS1-v1_5 with
// SHA-256 over the UTF-8 bytes of the exact string sent (`orderDetails` or
// `signaturePayload`), standard base64. No canonicalisation: one changed byte
// fails.

export type SignatureCheck = { ok: true } | { ok: false; reason: "unknown_key" | "bad_signature" | "bad_key" };

export function verifySignature(keys: Record<string, string>, keyId: string, signed: string, signatureBase64: string): SignatureCheck {
  const pem = keys[keyId];
  if (pem === undefined) return { ok: false, reason: "unknown_key" };
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    return { ok: false, reason: "bad_key" };
  }
  // Standard base64 only: Android's Base64.DEFAULT line breaks or a URL-safe
  // alphabet would be rejected by Juspay too.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return { ok: false, reason: "bad_signature" };
  const valid = verify("sha256", Buffer.from(signed, "utf8"), key, Buffer.from(signatureBase64, "base64"));
  return valid ? { ok: true } : { ok: false, reason: "bad_signature" };
}
