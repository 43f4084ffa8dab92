import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptResponse, encryptRequest, JweError, type JweKeys } from "../src/jwe/index.js";
import { generateRsaPair, pemFragments } from "./helpers/sdk-keys.js";

// Two key pairs, as in production: the merchant's (signs requests, decrypts
// responses) and Juspay's (encrypts responses, verifies requests).
const merchant = generateRsaPair();
const juspay = generateRsaPair();
const KID = "key_0123456789abcdef0123456789abcdef";

const merchantKeys = (oaep: JweKeys["oaep"]): JweKeys => ({ keyId: KID, merchantPrivateKeyPem: merchant.privateKeyPem, juspayPublicKeyPem: juspay.publicKeyPem, oaep });
// Juspay's side of the same exchange: the roles of the two pairs swap.
const juspayKeys = (oaep: JweKeys["oaep"]): JweKeys => ({ keyId: KID, merchantPrivateKeyPem: juspay.privateKeyPem, juspayPublicKeyPem: merchant.publicKeyPem, oaep });

const json = (b64u: string): Record<string, unknown> => JSON.parse(Buffer.from(b64u, "base64url").toString("utf8"));
const payload = { order_id: "ord1", "options.add_full_gateway_response": "true", note: "₹ é 😀" };

function expectJweError(fn: () => unknown, code: JweError["code"]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(JweError);
  expect((caught as JweError).code).toBe(code);
  const text = `${String(caught)} ${(caught as Error).stack ?? ""}`;
  for (const pem of [merchant.privateKeyPem, juspay.privateKeyPem]) for (const fragment of pemFragments(pem)) expect(text).not.toContain(fragment);
}

describe.each(["RSA-OAEP", "RSA-OAEP-256"] as const)("%s", (oaep) => {
  it("round trip: merchant request -> Juspay, Juspay response -> merchant", () => {
    const request = encryptRequest(payload, merchantKeys(oaep));
    expect(Object.keys(request)).toEqual(["header", "encryptedKey", "iv", "encryptedPayload", "tag"]);
    for (const part of Object.values(request)) expect(part).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
    expect(json(request.header!)).toEqual({ alg: oaep, enc: "A256GCM", cty: "JWT", kid: KID });
    expect(Buffer.from(request.iv!, "base64url")).toHaveLength(12);
    expect(Buffer.from(request.tag!, "base64url")).toHaveLength(16);
    expect(Buffer.from(request.encryptedKey!, "base64url")).toHaveLength(256);
    // Juspay decrypts with its private key and verifies with the merchant's public key.
    expect(decryptResponse(request, juspayKeys(oaep))).toEqual(payload);
    // And answers the same way.
    const response = encryptRequest({ status: "CHARGED", amount: 1 }, juspayKeys(oaep));
    expect(decryptResponse(response, merchantKeys(oaep))).toEqual({ status: "CHARGED", amount: 1 });
    expect(decryptResponse(JSON.stringify(response), merchantKeys(oaep))).toEqual({ status: "CHARGED", amount: 1 });
  });

  it("the content key is wrapped with OAEP over the hash the header names", () => {
    const request = encryptRequest(payload, merchantKeys(oaep));
    const hash = oaep === "RSA-OAEP" ? "sha1" : "sha256";
    const cek = privateDecrypt({ key: juspay.privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, Buffer.from(request.encryptedKey!, "base64url"));
    expect(cek).toHaveLength(32);
    const other = hash === "sha1" ? "sha256" : "sha1";
    expect(() => privateDecrypt({ key: juspay.privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: other }, Buffer.from(request.encryptedKey!, "base64url"))).toThrow();
  });

  it("the inner JWS is RS256 by the merchant key over header.payload", () => {
    const request = encryptRequest(payload, merchantKeys(oaep));
    const inner = decryptInner(request, oaep);
    expect(json(inner.header)).toEqual({ alg: "RS256", kid: KID });
    expect(json(inner.payload)).toEqual(payload);
    const ok = verify("sha256", Buffer.from(`${inner.header}.${inner.payload}`), createPublicKey(merchant.publicKeyPem), Buffer.from(inner.signature, "base64url"));
    expect(ok).toBe(true);
  });

  it("each request uses a fresh content key and IV", () => {
    const a = encryptRequest(payload, merchantKeys(oaep));
    const b = encryptRequest(payload, merchantKeys(oaep));
    expect(a.iv).not.toBe(b.iv);
    expect(a.encryptedKey).not.toBe(b.encryptedKey);
    expect(a.encryptedPayload).not.toBe(b.encryptedPayload);
  });
});

/** Decrypts a request as Juspay would, without our code, to inspect the JWS. */
function decryptInner(request: Record<string, string>, oaep: JweKeys["oaep"]): { header: string; payload: string; signature: string } {
  const cek = privateDecrypt(
    { key: juspay.privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaep === "RSA-OAEP" ? "sha1" : "sha256" },
    Buffer.from(request["encryptedKey"]!, "base64url"),
  );
  const decipher = createDecipheriv("aes-256-gcm", cek, Buffer.from(request["iv"]!, "base64url"));
  decipher.setAAD(Buffer.from(request["header"]!, "ascii"));
  decipher.setAuthTag(Buffer.from(request["tag"]!, "base64url"));
  const text = Buffer.concat([decipher.update(Buffer.from(request["encryptedPayload"]!, "base64url")), decipher.final()]).toString("utf8");
  return JSON.parse(text);
}

describe("responses", () => {
  const response = () => encryptRequest({ status: "CHARGED" }, juspayKeys("RSA-OAEP-256"));
  const flip = (b64u: string, at = 0): string => {
    const bytes = Buffer.from(b64u, "base64url");
    bytes[at] = bytes[at]! ^ 0x01;
    return bytes.toString("base64url");
  };

  it("honours the response header's alg, whatever keys.oaep says", () => {
    const sha1Response = encryptRequest({ ok: true }, juspayKeys("RSA-OAEP"));
    expect(decryptResponse(sha1Response, merchantKeys("RSA-OAEP-256"))).toEqual({ ok: true });
  });

  it.each(["encryptedPayload", "tag", "iv", "encryptedKey"] as const)("rejects a tampered %s", (part) => {
    const body = response();
    expectJweError(() => decryptResponse({ ...body, [part]: flip(body[part]!) }, merchantKeys("RSA-OAEP-256")), "decryption_failed");
  });

  it("rejects a tampered protected header (it is the AAD)", () => {
    const body = response();
    const header = Buffer.from(JSON.stringify({ ...json(body.header!), kid: "key_other" })).toString("base64url");
    expectJweError(() => decryptResponse({ ...body, header }, merchantKeys("RSA-OAEP-256")), "decryption_failed");
  });

  it("rejects a truncated tag", () => {
    const body = response();
    const tag = Buffer.from(body.tag!, "base64url").subarray(0, 12).toString("base64url");
    expectJweError(() => decryptResponse({ ...body, tag }, merchantKeys("RSA-OAEP-256")), "malformed");
  });

  it("rejects a response not encrypted to our key", () => {
    const stranger = generateRsaPair();
    const body = encryptRequest({ status: "CHARGED" }, { ...juspayKeys("RSA-OAEP-256"), juspayPublicKeyPem: stranger.publicKeyPem });
    expectJweError(() => decryptResponse(body, merchantKeys("RSA-OAEP-256")), "decryption_failed");
  });

  it("rejects a response signed by another key than Juspay's", () => {
    const impostor = generateRsaPair();
    const body = encryptRequest({ status: "CHARGED" }, { ...juspayKeys("RSA-OAEP-256"), merchantPrivateKeyPem: impostor.privateKeyPem });
    expectJweError(() => decryptResponse(body, merchantKeys("RSA-OAEP-256")), "signature_invalid");
  });

  it("rejects a tampered inner signature or payload (re-encrypted correctly)", () => {
    const good = signedInner({ status: "CHARGED" });
    const badSig = { ...good, signature: flip(good.signature, 10) };
    expectJweError(() => decryptResponse(encryptTo(JSON.stringify(badSig)), merchantKeys("RSA-OAEP-256")), "signature_invalid");
    const badPayload = { ...good, payload: Buffer.from('{"status":"FAILED"}').toString("base64url") };
    expectJweError(() => decryptResponse(encryptTo(JSON.stringify(badPayload)), merchantKeys("RSA-OAEP-256")), "signature_invalid");
    const noneAlg = { ...good, header: Buffer.from('{"alg":"none"}').toString("base64url") };
    expectJweError(() => decryptResponse(encryptTo(JSON.stringify(noneAlg)), merchantKeys("RSA-OAEP-256")), "signature_invalid");
    expect(decryptResponse(encryptTo(JSON.stringify(good)), merchantKeys("RSA-OAEP-256"))).toEqual({ status: "CHARGED" });
  });

  it.each([
    ["not JSON", "nope"],
    ["null", null],
    ["missing parts", { header: "eyJ9" }],
    ["non-string part", { header: "a", encryptedKey: 1, iv: "a", encryptedPayload: "a", tag: "a" }],
    ["bad base64url", { header: "a+b/", encryptedKey: "a", iv: "a", encryptedPayload: "a", tag: "a" }],
  ])("rejects a malformed body: %s", (_name, body) => {
    expectJweError(() => decryptResponse(body, merchantKeys("RSA-OAEP-256")), "malformed");
  });

  it("rejects unsupported header algorithms", () => {
    const body = response();
    for (const header of [{ alg: "RSA1_5", enc: "A256GCM" }, { alg: "RSA-OAEP-256", enc: "A128CBC-HS256" }, { alg: "dir", enc: "A256GCM" }]) {
      expectJweError(() => decryptResponse({ ...body, header: Buffer.from(JSON.stringify(header)).toString("base64url") }, merchantKeys("RSA-OAEP-256")), "malformed");
    }
  });
});

describe("keys", () => {
  it("rejects unreadable or unsuitable keys without echoing them", () => {
    expectJweError(() => encryptRequest(payload, { ...merchantKeys("RSA-OAEP"), merchantPrivateKeyPem: merchant.publicKeyPem }), "invalid_key");
    expectJweError(() => encryptRequest(payload, { ...merchantKeys("RSA-OAEP"), juspayPublicKeyPem: "garbage" }), "invalid_key");
    expectJweError(() => encryptRequest(payload, { ...merchantKeys("RSA-OAEP"), oaep: "RSA1_5" as "RSA-OAEP" }), "invalid_key");
    expectJweError(() => encryptRequest(payload, { ...merchantKeys("RSA-OAEP"), keyId: merchant.privateKeyPem }), "invalid_key");
    expectJweError(() => encryptRequest(payload, { ...merchantKeys("RSA-OAEP"), merchantPrivateKeyPem: generateRsaPair(1024).privateKeyPem }), "invalid_key");
  });

  it("request bodies carry no private key material", () => {
    const text = JSON.stringify(encryptRequest(payload, merchantKeys("RSA-OAEP")));
    for (const fragment of pemFragments(merchant.privateKeyPem)) expect(text).not.toContain(fragment);
  });
});

// Builds a Juspay-side response by hand, to tamper with the inner JWS.
function signedInner(body: unknown): { header: string; payload: string; signature: string } {
  const header = Buffer.from(JSON.stringify({ alg: "RS256", kid: KID })).toString("base64url");
  const payloadB64 = Buffer.from(JSON.stringify(body)).toString("base64url");
  const signature = sign("sha256", Buffer.from(`${header}.${payloadB64}`), createPrivateKey(juspay.privateKeyPem)).toString("base64url");
  return { header, payload: payloadB64, signature };
}

function encryptTo(plaintext: string): Record<string, string> {
  const header = Buffer.from(JSON.stringify({ alg: "RSA-OAEP-256", enc: "A256GCM", cty: "JWT", kid: KID })).toString("base64url");
  const cek = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", cek, iv);
  cipher.setAAD(Buffer.from(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const encryptedKey = publicEncrypt({ key: merchant.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, cek);
  return {
    header,
    encryptedKey: encryptedKey.toString("base64url"),
    iv: iv.toString("base64url"),
    encryptedPayload: ciphertext.toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
  };
}
