import { createPrivateKey, createPublicKey } from "node:crypto";
import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { decryptResponse, encryptRequest, JweError, type JweKeys } from "../src/jwe/index.js";
import { generateRsaPair, pemFragments } from "./helpers/sdk-keys.js";

// src/jwe on jose: the two wire forms Juspay uses, both OAEP variants, and the
// answers it must refuse. Juspay's side is played with jose's own API (the
// steps of the docs' v4 order-status snippets), never with our module.

// Two key pairs, as in production: the merchant's (signs requests, decrypts
// responses) and Juspay's (encrypts responses, verifies requests).
const merchant = generateRsaPair();
const juspay = generateRsaPair();
const KID = "key_0123456789abcdef0123456789abcdef";

const merchantKeys = (oaep: JweKeys["oaep"], wireForm?: JweKeys["wireForm"]): JweKeys => ({
  keyId: KID,
  merchantPrivateKeyPem: merchant.privateKeyPem,
  juspayPublicKeyPem: juspay.publicKeyPem,
  oaep,
  wireForm,
});

const payload = { order_id: "ord1", "options.add_full_gateway_response": "true", note: "₹ é 😀" };
const enc = new TextEncoder();
const dec = new TextDecoder();

async function expectJweError(run: () => Promise<unknown>, code: JweError["code"]): Promise<void> {
  const caught = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(caught).toBeInstanceOf(JweError);
  expect((caught as JweError).code).toBe(code);
  const text = `${String(caught)} ${(caught as Error).stack ?? ""}`;
  for (const pem of [merchant.privateKeyPem, juspay.privateKeyPem]) for (const fragment of pemFragments(pem)) expect(text).not.toContain(fragment);
}

/** Juspay reading a request: the compact JWE from either envelope, decrypted with its key. */
async function juspayReads(body: Record<string, string>): Promise<{ jweHeader: unknown; inner: string }> {
  const compact = body["JWT"] ?? [body["header"], body["encryptedKey"], body["iv"], body["encryptedPayload"], body["tag"]].join(".");
  const { plaintext, protectedHeader } = await compactDecrypt(compact, createPrivateKey(juspay.privateKeyPem));
  return { jweHeader: protectedHeader, inner: dec.decode(plaintext) };
}

interface Answer {
  body: unknown;
  signWith?: string;
  alg?: string;
  enc?: string;
  form?: "parts" | "compact";
  /** Rewrites the compact JWS before it is encrypted (tampering). */
  jws?: (jws: string) => string;
}

/** Juspay answering: signs with its key (RS256), encrypts to the merchant's key. */
async function juspayAnswers({ body, signWith = juspay.privateKeyPem, alg = "RSA-OAEP-256", enc: encAlg = "A256GCM", form = "parts", jws: rewrite = (j) => j }: Answer): Promise<Record<string, string>> {
  const jws = rewrite(await new CompactSign(enc.encode(JSON.stringify(body))).setProtectedHeader({ alg: "RS256", kid: KID }).sign(createPrivateKey(signWith)));
  const [h, p, s] = jws.split(".");
  const inner = form === "compact" ? jws : JSON.stringify({ header: h, payload: p, signature: s });
  const jwe = await new CompactEncrypt(enc.encode(inner)).setProtectedHeader({ alg, enc: encAlg, cty: "JWT", kid: KID }).encrypt(createPublicKey(merchant.publicKeyPem));
  if (form === "compact") return { JWT: jwe };
  const [header, encryptedKey, iv, encryptedPayload, tag] = jwe.split(".") as [string, string, string, string, string];
  return { header, encryptedKey, iv, encryptedPayload, tag };
}

describe.each(["RSA-OAEP", "RSA-OAEP-256"] as const)("requests, %s", (oaep) => {
  it("parts form (SDKs, HDFC samples): {header, encryptedKey, iv, encryptedPayload, tag} around the JWS parts as JSON", async () => {
    const request = await encryptRequest(payload, merchantKeys(oaep, "parts"));
    expect(Object.keys(request)).toEqual(["header", "encryptedKey", "iv", "encryptedPayload", "tag"]);
    for (const part of Object.values(request)) expect(part).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
    const { jweHeader, inner } = await juspayReads(request);
    expect(jweHeader).toEqual({ alg: oaep, enc: "A256GCM", cty: "JWT", kid: KID });
    const parts = JSON.parse(inner) as { header: string; payload: string; signature: string };
    expect(Object.keys(parts)).toEqual(["header", "payload", "signature"]);
    const verified = await compactVerify(`${parts.header}.${parts.payload}.${parts.signature}`, createPublicKey(merchant.publicKeyPem), { algorithms: ["RS256"] });
    expect(verified.protectedHeader).toEqual({ alg: "RS256", kid: KID });
    expect(JSON.parse(dec.decode(verified.payload))).toEqual(payload);
  });

  it('compact form (docs\' v4 order-status sample): {"JWT": compact JWE} around the compact JWS', async () => {
    const request = await encryptRequest(payload, merchantKeys(oaep, "compact"));
    expect(Object.keys(request)).toEqual(["JWT"]);
    expect(request["JWT"]!.split(".")).toHaveLength(5);
    const { jweHeader, inner } = await juspayReads(request);
    expect(jweHeader).toEqual({ alg: oaep, enc: "A256GCM", cty: "JWT", kid: KID });
    const verified = await compactVerify(inner, createPublicKey(merchant.publicKeyPem), { algorithms: ["RS256"] });
    expect(JSON.parse(dec.decode(verified.payload))).toEqual(payload);
  });

  it("each request uses a fresh content key and IV", async () => {
    const a = await encryptRequest(payload, merchantKeys(oaep));
    const b = await encryptRequest(payload, merchantKeys(oaep));
    expect(a["iv"]).not.toBe(b["iv"]);
    expect(a["encryptedKey"]).not.toBe(b["encryptedKey"]);
  });
});

describe("answers", () => {
  const keys = merchantKeys("RSA-OAEP-256");

  it.each([
    ["parts", "RSA-OAEP-256"],
    ["parts", "RSA-OAEP"],
    ["compact", "RSA-OAEP-256"],
    ["compact", "RSA-OAEP"],
  ] as const)("reads the %s form wrapped with %s, whatever the request settings", async (form, alg) => {
    const body = await juspayAnswers({ body: { status: "CHARGED", amount: 1 }, form, alg });
    expect(await decryptResponse(body, keys)).toEqual({ status: "CHARGED", amount: 1 });
    expect(await decryptResponse(JSON.stringify(body), merchantKeys("RSA-OAEP", "compact"))).toEqual({ status: "CHARGED", amount: 1 });
    expect(decodeProtectedHeader(body["JWT"] ?? `${body["header"]}.a.b.c.d`)).toMatchObject({ alg, enc: "A256GCM" });
  });

  const flip = (b64u: string): string => {
    const bytes = Buffer.from(b64u, "base64url");
    bytes[0] = bytes[0]! ^ 0x01;
    return bytes.toString("base64url");
  };

  it.each(["encryptedPayload", "tag", "iv", "encryptedKey", "header"] as const)("refuses a tampered %s", async (part) => {
    const body = await juspayAnswers({ body: { status: "CHARGED" } });
    await expectJweError(() => decryptResponse({ ...body, [part]: flip(body[part]!) }, keys), "decryption_failed");
  });

  it("refuses a truncated tag", async () => {
    const body = await juspayAnswers({ body: { status: "CHARGED" } });
    await expectJweError(() => decryptResponse({ ...body, tag: Buffer.from(body["tag"]!, "base64url").subarray(0, 12).toString("base64url") }, keys), "decryption_failed");
  });

  it("refuses an answer not encrypted to our key", async () => {
    const body = await juspayAnswers({ body: { status: "CHARGED" } });
    const stranger = { ...keys, merchantPrivateKeyPem: generateRsaPair().privateKeyPem };
    await expectJweError(() => decryptResponse(body, stranger), "decryption_failed");
  });

  it("refuses key wrapping or content encryption other than RSA-OAEP(-256) + A256GCM", async () => {
    await expectJweError(async () => decryptResponse(await juspayAnswers({ body: {}, alg: "RSA-OAEP-512" }), keys), "decryption_failed");
    await expectJweError(async () => decryptResponse(await juspayAnswers({ body: {}, enc: "A128GCM" }), keys), "decryption_failed");
  });

  it("refuses an answer signed by another key than Juspay's", async () => {
    const body = await juspayAnswers({ body: { status: "CHARGED" }, signWith: generateRsaPair().privateKeyPem });
    await expectJweError(() => decryptResponse(body, keys), "signature_invalid");
  });

  it.each(["parts", "compact"] as const)("refuses a tampered payload or an unsigned JWS inside a valid JWE (%s form)", async (form) => {
    const forged = Buffer.from('{"status":"FAILED"}').toString("base64url");
    const swapped = await juspayAnswers({ body: { status: "CHARGED" }, form, jws: (jws) => jws.replace(/\.[^.]+\./, `.${forged}.`) });
    await expectJweError(() => decryptResponse(swapped, keys), "signature_invalid");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${forged}.`;
    await expectJweError(async () => decryptResponse(await juspayAnswers({ body: {}, form, jws: () => none }), keys), "signature_invalid");
  });

  it.each([
    ["not JSON", "nope"],
    ["null", null],
    ["an array", []],
    ["missing parts", { header: "eyJ9" }],
    ["a non-string part", { header: "a", encryptedKey: 1, iv: "a", encryptedPayload: "a", tag: "a" }],
    ["a dotted part", { header: "a.b", encryptedKey: "a", iv: "a", encryptedPayload: "a", tag: "a" }],
  ])("refuses a body that is %s", async (_name, body) => {
    await expectJweError(() => decryptResponse(body, keys), "malformed");
  });
});

describe("keys", () => {
  const keys = merchantKeys("RSA-OAEP");

  it("refuses unreadable or unsuitable keys and settings without echoing them", async () => {
    await expectJweError(() => encryptRequest(payload, { ...keys, merchantPrivateKeyPem: merchant.publicKeyPem }), "invalid_key");
    await expectJweError(() => encryptRequest(payload, { ...keys, juspayPublicKeyPem: "garbage" }), "invalid_key");
    await expectJweError(() => encryptRequest(payload, { ...keys, oaep: "RSA1_5" as "RSA-OAEP" }), "invalid_key");
    await expectJweError(() => encryptRequest(payload, { ...keys, wireForm: "json" as "parts" }), "invalid_key");
    await expectJweError(() => encryptRequest(payload, { ...keys, keyId: merchant.privateKeyPem }), "invalid_key");
    await expectJweError(() => encryptRequest(payload, { ...keys, merchantPrivateKeyPem: generateRsaPair(1024).privateKeyPem }), "invalid_key");
  });

  it("reads the PKCS#1 'RSA PRIVATE KEY' PEMs of Juspay's samples", async () => {
    const pkcs1 = createPrivateKey(merchant.privateKeyPem).export({ type: "pkcs1", format: "pem" }).toString();
    expect(pkcs1).toContain("BEGIN RSA PRIVATE KEY");
    const request = await encryptRequest(payload, { ...keys, merchantPrivateKeyPem: pkcs1 });
    expect((await juspayReads(request)).inner).toContain('"signature"');
  });

  it("request bodies carry no private key material", async () => {
    const text = JSON.stringify(await encryptRequest(payload, keys));
    for (const fragment of pemFragments(merchant.privateKeyPem)) expect(text).not.toContain(fragment);
  });
});
