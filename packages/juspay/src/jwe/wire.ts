import { JweError } from "./errors.js";
import type { JweWireForm } from "./keys.js";

// The two envelopes Juspay's material shows for /v4 bodies (reference §5.1),
// as plain string shuffling around the compact serialisations jose makes:
// - parts: {header, encryptedKey, iv, encryptedPayload, tag}, the five
//   segments of a compact JWE, whose plaintext is the JSON {header, payload,
//   signature} of the three segments of a compact JWS (Node and .NET SDKs,
//   HDFC samples);
// - compact: {"JWT": "<compact JWE>"} whose plaintext is the compact JWS
//   itself (docs' v4 order-status sample and its encrypt/decrypt snippets).

const JWE_PARTS = ["header", "encryptedKey", "iv", "encryptedPayload", "tag"] as const;
const JWS_PARTS = ["header", "payload", "signature"] as const;

/** The JWE's plaintext for a form: the compact JWS, or its parts as JSON. */
export function innerFor(form: JweWireForm, compactJws: string): string {
  if (form === "compact") return compactJws;
  const [header, payload, signature] = compactJws.split(".");
  return JSON.stringify({ header, payload, signature });
}

/** The request body for a form. */
export function envelopeFor(form: JweWireForm, compactJwe: string): Record<string, string> {
  if (form === "compact") return { JWT: compactJwe };
  const segments = compactJwe.split(".");
  return Object.fromEntries(JWE_PARTS.map((name, i) => [name, segments[i] ?? ""]));
}

function asObject(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof value === "string" || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(value.toString());
    } catch {
      throw new JweError("malformed", "body is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new JweError("malformed", "body is not a JSON object");
  return value as Record<string, unknown>;
}

/** A body in either form (object, JSON text or Buffer) → its compact JWE and the form it came in. */
export function readEnvelope(body: unknown): { compactJwe: string; form: JweWireForm } {
  const record = asObject(body);
  if (typeof record["JWT"] === "string") return { compactJwe: record["JWT"], form: "compact" };
  const segments = JWE_PARTS.map((name) => {
    const part = record[name];
    if (typeof part !== "string" || part.includes(".")) throw new JweError("malformed", `body lacks a usable "${name}"`);
    return part;
  });
  return { compactJwe: segments.join("."), form: "parts" };
}

/** The JWE's plaintext (either inner form) → the compact JWS. */
export function readInner(plaintext: string): string {
  if (!plaintext.trimStart().startsWith("{")) return plaintext.trim();
  const record = asObject(plaintext);
  return JWS_PARTS.map((name) => {
    const part = record[name];
    if (typeof part !== "string" || part.includes(".")) throw new JweError("malformed", `signed payload lacks a usable "${name}"`);
    return part;
  }).join(".");
}
