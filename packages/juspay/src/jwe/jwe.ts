import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";
import { b64u, fromB64u } from "./base64url.js";
import { JweError } from "./errors.js";

// The outer JWE (reference §5.1 step 2): random 32-byte CEK, 12-byte IV,
// AES-256-GCM with AAD = the base64url protected header, CEK wrapped with
// RSA-OAEP (SHA-1) or RSA-OAEP-256 (SHA-256), as the header says.

export type OaepAlg = "RSA-OAEP" | "RSA-OAEP-256";

export interface JweParts {
  header: string;
  encryptedKey: string;
  iv: string;
  encryptedPayload: string;
  tag: string;
}

const OAEP_HASH: Record<OaepAlg, string> = { "RSA-OAEP": "sha1", "RSA-OAEP-256": "sha256" };
const TAG_BYTES = 16;

export function encryptJwe(plaintext: string, alg: OaepAlg, kid: string, publicKey: KeyObject): JweParts {
  const header = b64u(JSON.stringify({ alg, enc: "A256GCM", cty: "JWT", kid }));
  const cek = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", cek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(header, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] }, cek);
  return { header, encryptedKey: b64u(encryptedKey), iv: b64u(iv), encryptedPayload: b64u(ciphertext), tag: b64u(cipher.getAuthTag()) };
}

/** The five parts of a wire-format (a) body, checked for shape only. */
export function readJweParts(body: unknown): JweParts {
  let value = body;
  if (typeof value === "string" || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(value.toString());
    } catch {
      throw new JweError("malformed", "response body is not JSON");
    }
  }
  if (typeof value !== "object" || value === null) throw new JweError("malformed", "response body is not a JSON object");
  const record = value as Record<string, unknown>;
  const parts = {} as Record<keyof JweParts, string>;
  for (const name of ["header", "encryptedKey", "iv", "encryptedPayload", "tag"] as const) {
    const part = record[name];
    if (typeof part !== "string") throw new JweError("malformed", `response body lacks "${name}"`);
    parts[name] = part;
  }
  return parts;
}

export function decryptJwe(parts: JweParts, privateKey: KeyObject): string {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(fromB64u(parts.header, "JWE header").toString("utf8")) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof JweError) throw err;
    throw new JweError("malformed", "JWE header is not JSON");
  }
  const alg = header?.["alg"];
  if (alg !== "RSA-OAEP" && alg !== "RSA-OAEP-256") throw new JweError("malformed", "JWE alg must be RSA-OAEP or RSA-OAEP-256");
  if (header["enc"] !== "A256GCM") throw new JweError("malformed", "JWE enc must be A256GCM");
  const encryptedKey = fromB64u(parts.encryptedKey, "encryptedKey");
  const iv = fromB64u(parts.iv, "iv");
  const ciphertext = fromB64u(parts.encryptedPayload, "encryptedPayload");
  const tag = fromB64u(parts.tag, "tag");
  if (iv.length !== 12) throw new JweError("malformed", "iv must be 12 bytes");
  // A short tag would weaken GCM's integrity check: require the full 16 bytes.
  if (tag.length !== TAG_BYTES) throw new JweError("malformed", "tag must be 16 bytes");
  let cek: Buffer;
  try {
    cek = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] }, encryptedKey);
  } catch {
    throw new JweError("decryption_failed", "content key does not decrypt with the merchant private key");
  }
  if (cek.length !== 32) throw new JweError("decryption_failed", "content key is not 32 bytes");
  try {
    const decipher = createDecipheriv("aes-256-gcm", cek, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(parts.header, "ascii"));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch {
    throw new JweError("decryption_failed", "payload fails authentication (tampered or wrong key)");
  }
}
