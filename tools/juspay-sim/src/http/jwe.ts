import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify, decodeProtectedHeader } from "jose";
import { accessDenied, invalidRequest } from "./errors.js";

// Juspay's side of the /v4 routes (README "JWE/JWS /v4 routes"), on the jose
// library: a request is a JWE encrypted to Juspay's key (RSA-OAEP or
// RSA-OAEP-256 + A256GCM) around a JWS signed RS256 by the merchant key the
// `kid` names; the answer goes back the same way with the roles swapped, in
// the envelope the request came in. The simulator's own key pair plays
// Juspay's; merchants register their public key per kid, as on the dashboard.

export type WireForm = "parts" | "compact";

const PARTS = ["header", "encryptedKey", "iv", "encryptedPayload", "tag"] as const;
const JWS_PARTS = ["header", "payload", "signature"] as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export interface OpenedRequest {
  payload: Record<string, unknown>;
  form: WireForm;
  kid: string;
}

export class SimJwe {
  private key: KeyObject | undefined;
  private readonly merchantKeys = new Map<string, KeyObject>();

  constructor(private readonly privateKeyPem?: string) {}

  /** Made on first use: most simulators never see a /v4 call, and RSA key generation is slow. */
  private get juspayPrivate(): KeyObject {
    this.key ??= this.privateKeyPem ? createPrivateKey(this.privateKeyPem) : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    return this.key;
  }

  /** Juspay's public key (PEM) that merchants encrypt to and verify answers with. */
  get publicKeyPem(): string {
    return createPublicKey(this.juspayPrivate).export({ type: "spki", format: "pem" }).toString();
  }

  /** The merchant's public key for a JWT key id (Dashboard → Security → JWT Keys). */
  registerMerchantKey(kid: string, publicKeyPem: string): void {
    this.merchantKeys.set(kid, createPublicKey(publicKeyPem));
  }

  /** Decrypts and verifies a /v4 body; a body Juspay could not read is refused. */
  async open(raw: Buffer): Promise<OpenedRequest> {
    const { compact, form } = envelope(raw);
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(compact).kid;
    } catch {
      throw invalidRequest("INVALID_INPUT", "Request body is not a JWE");
    }
    const merchantKey = typeof kid === "string" ? this.merchantKeys.get(kid) : undefined;
    if (typeof kid !== "string" || !merchantKey) throw accessDenied();
    let inner: string;
    try {
      const { plaintext } = await compactDecrypt(compact, this.juspayPrivate, { keyManagementAlgorithms: ["RSA-OAEP", "RSA-OAEP-256"], contentEncryptionAlgorithms: ["A256GCM"] });
      inner = decoder.decode(plaintext);
    } catch {
      throw accessDenied();
    }
    let payload: unknown;
    try {
      const verified = await compactVerify(innerJws(inner), merchantKey, { algorithms: ["RS256"] });
      payload = JSON.parse(decoder.decode(verified.payload));
    } catch {
      throw accessDenied();
    }
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw invalidRequest("INVALID_INPUT", "Request body must be a JSON object");
    return { payload: payload as Record<string, unknown>, form, kid };
  }

  /** Signs with Juspay's key and encrypts to the merchant's, in the request's envelope. */
  async seal(body: unknown, form: WireForm, kid: string): Promise<Record<string, string>> {
    const merchantKey = this.merchantKeys.get(kid)!;
    const jws = await new CompactSign(encoder.encode(JSON.stringify(body))).setProtectedHeader({ alg: "RS256", kid }).sign(this.juspayPrivate);
    const [header, payload, signature] = jws.split(".");
    const inner = form === "compact" ? jws : JSON.stringify({ header, payload, signature });
    // Juspay's own answers are wrapped with RSA-OAEP-256 (headers of the HDFC samples).
    const jwe = await new CompactEncrypt(encoder.encode(inner)).setProtectedHeader({ alg: "RSA-OAEP-256", enc: "A256GCM", cty: "JWT", kid }).encrypt(merchantKey);
    if (form === "compact") return { JWT: jwe };
    const segments = jwe.split(".");
    return Object.fromEntries(PARTS.map((name, i) => [name, segments[i]!]));
  }
}

function envelope(raw: Buffer): { compact: string; form: WireForm } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidRequest("INVALID_INPUT", "Request body is not valid JSON");
  }
  const record = (body ?? {}) as Record<string, unknown>;
  if (typeof record["JWT"] === "string") return { compact: record["JWT"], form: "compact" };
  if (PARTS.every((name) => typeof record[name] === "string" && !(record[name] as string).includes("."))) {
    return { compact: PARTS.map((name) => record[name] as string).join("."), form: "parts" };
  }
  throw invalidRequest("INVALID_INPUT", "Request body is not a JWE");
}

/** The JWE's plaintext: a compact JWS, or its parts as JSON. */
function innerJws(text: string): string {
  if (!text.trimStart().startsWith("{")) return text.trim();
  const record = JSON.parse(text) as Record<string, unknown>;
  return JWS_PARTS.map((name) => String(record[name] ?? "")).join(".");
}
