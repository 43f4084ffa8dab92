import { constants, sign, verify, type KeyObject } from "node:crypto";
import { b64u, fromB64u } from "./base64url.js";
import { JweError } from "./errors.js";

// The inner JWS (reference §5.1 step 1): protected header {"alg":"RS256",
// "kid"}, RSASSA-PKCS1-v1_5 SHA-256 over `header.payload`, carried as the JSON
// {header, payload, signature} of its three base64url parts (wire format (a)).

export interface JwsParts {
  header: string;
  payload: string;
  signature: string;
}

const PKCS1 = constants.RSA_PKCS1_PADDING;

export function signJws(payloadText: string, kid: string, privateKey: KeyObject): JwsParts {
  const header = b64u(JSON.stringify({ alg: "RS256", kid }));
  const payload = b64u(payloadText);
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`, "ascii"), { key: privateKey, padding: PKCS1 });
  return { header, payload, signature: b64u(signature) };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new JweError("malformed", `${what} is not JSON`);
  }
}

/** The JWS parts from the decrypted JWE plaintext. */
export function parseJwsParts(plaintext: string): JwsParts {
  const parts = parseJson(plaintext, "signed payload");
  if (typeof parts !== "object" || parts === null) throw new JweError("malformed", "signed payload is not a JSON object");
  const { header, payload, signature } = parts as Record<string, unknown>;
  if (typeof header !== "string" || typeof payload !== "string" || typeof signature !== "string") {
    throw new JweError("malformed", "signed payload lacks header, payload or signature");
  }
  return { header, payload, signature };
}

/** Verifies the signature and returns the payload text. */
export function verifyJws(parts: JwsParts, publicKey: KeyObject): string {
  const header = parseJson(fromB64u(parts.header, "JWS header").toString("utf8"), "JWS header") as Record<string, unknown> | null;
  // Only RS256: never let the message pick a weaker or keyless algorithm.
  if (typeof header !== "object" || header === null || header["alg"] !== "RS256") throw new JweError("signature_invalid", "JWS alg is not RS256");
  const signature = fromB64u(parts.signature, "JWS signature");
  fromB64u(parts.payload, "JWS payload");
  const ok = verify("sha256", Buffer.from(`${parts.header}.${parts.payload}`, "ascii"), { key: publicKey, padding: PKCS1 }, signature);
  if (!ok) throw new JweError("signature_invalid", "JWS signature does not verify with Juspay's public key");
  return Buffer.from(parts.payload, "base64url").toString("utf8");
}
