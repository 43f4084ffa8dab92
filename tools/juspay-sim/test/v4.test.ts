import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, basic, chargedOrder, startApi, type Api, type Json } from "./helpers/api.js";
import { fixture, shapeProblems } from "./helpers/shape.js";

// The JWE/JWS /v4 routes over HTTP (README "JWE/JWS /v4 routes"). The test
// plays the merchant with jose, step by step as Juspay's docs' v4 snippets and
// SDKs do: sign RS256 with the merchant key, encrypt to Juspay's key, send in
// either envelope; read the answer back the same way.

type Form = "parts" | "compact";
const KID = "key_0123456789abcdef0123456789abcdef";
const enc = new TextEncoder();
const dec = new TextDecoder();
const PARTS = ["header", "encryptedKey", "iv", "encryptedPayload", "tag"] as const;

let api: Api;
let merchant: { privateKey: KeyObject; publicKey: KeyObject };
let juspayPublic: KeyObject;

beforeAll(async () => {
  api = await startApi();
  merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  api.sim.registerJweKey(KID, merchant.publicKey.export({ type: "spki", format: "pem" }).toString());
  juspayPublic = createPublicKey(api.sim.jwePublicKeyPem);
});
afterAll(() => api.close());

async function seal(payload: unknown, { form = "parts", alg = "RSA-OAEP-256", signer = merchant.privateKey, kid = KID }: { form?: Form; alg?: string; signer?: KeyObject; kid?: string } = {}): Promise<Record<string, string>> {
  const jws = await new CompactSign(enc.encode(JSON.stringify(payload))).setProtectedHeader({ alg: "RS256", kid }).sign(signer);
  const [header, body, signature] = jws.split(".");
  const inner = form === "compact" ? jws : JSON.stringify({ header, payload: body, signature });
  const jwe = await new CompactEncrypt(enc.encode(inner)).setProtectedHeader({ alg, enc: "A256GCM", cty: "JWT", kid }).encrypt(juspayPublic);
  if (form === "compact") return { JWT: jwe };
  const segments = jwe.split(".");
  return Object.fromEntries(PARTS.map((name, i) => [name, segments[i]!]));
}

async function open(body: Json, form: Form): Promise<Json> {
  const compact = form === "compact" ? body.JWT : PARTS.map((name) => body[name]).join(".");
  expect(decodeProtectedHeader(compact)).toEqual({ alg: "RSA-OAEP-256", enc: "A256GCM", cty: "JWT", kid: KID });
  const { plaintext } = await compactDecrypt(compact, merchant.privateKey);
  const text = dec.decode(plaintext);
  const jws = form === "compact" ? text : ((p) => `${p.header}.${p.payload}.${p.signature}`)(JSON.parse(text));
  const { payload } = await compactVerify(jws, juspayPublic, { algorithms: ["RS256"] });
  return JSON.parse(dec.decode(payload));
}

/** A /v4 POST as the SDKs send it: JSON, x-merchantid, no Basic auth. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(api.sim.url + path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", "x-merchantid": api.sim.options.merchantId, ...headers } });
  return { status: res.status, body: await res.json() };
}

describe.each(["parts", "compact"] as const)("the %s envelope", (form) => {
  it.each(["RSA-OAEP-256", "RSA-OAEP"])("POST /v4/order-status (%s): the order's status, encrypted and signed back in the same envelope", async (alg) => {
    const id = await chargedOrder(api, "100.15");
    const res = await post("/v4/order-status", await seal({ order_id: id, "options.add_full_gateway_response": "true" }, { form, alg }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(form === "compact" ? ["JWT"] : [...PARTS]);
    // The docs' v4 order-status answer is the compact envelope.
    if (form === "compact") expect(shapeProblems(fixture("orders/order-status/v4-order-status/response.json"), res.body)).toEqual([]);
    const order = await open(res.body, form);
    expect(order).toMatchObject({ order_id: id, status: "CHARGED", amount: 100.15 });
    expect(order.payment_gateway_response).toBeDefined();
  });

  it("POST /v4/orders/:id/refunds records the refund and answers with the order", async () => {
    const id = await chargedOrder(api, "100");
    const res = await post(`/v4/orders/${id}/refunds`, await seal({ unique_request_id: `v4${form}`, amount: "40.00", order_id: id }, { form }));
    expect(res.status).toBe(200);
    const order = await open(res.body, form);
    expect(order.refunds).toMatchObject([{ unique_request_id: `v4${form}`, status: "PENDING", amount: 40 }]);
    expect((await api.get(`/orders/${id}`)).body.refunds).toHaveLength(1);
  });
});

describe("keys over the admin API", () => {
  it("POST /__admin/jwe-keys registers a kid and hands out the simulator's public key; GET repeats it", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const admin = async (method: string, body?: unknown): Promise<Json> =>
      (await fetch(`${api.sim.url}/__admin/jwe-keys`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json" } })).json();
    const registered = await admin("POST", { keyId: "key_admin", publicKeyPem: other.publicKey.export({ type: "spki", format: "pem" }) });
    expect(registered).toEqual({ keyId: "key_admin", juspayPublicKeyPem: api.sim.jwePublicKeyPem });
    expect(await admin("GET")).toEqual({ juspayPublicKeyPem: api.sim.jwePublicKeyPem });
    const id = await chargedOrder(api);
    expect((await post("/v4/order-status", await seal({ order_id: id }, { kid: "key_admin", signer: other.privateKey }))).status).toBe(200);
  });
});

describe("refusals", () => {
  it("a request from an unregistered kid, signed by another key or tampered with: 401 access_denied", async () => {
    const id = await chargedOrder(api);
    const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    expect(await post("/v4/order-status", await seal({ order_id: id }, { kid: "key_unknown" }))).toEqual({ status: 401, body: { status: "error", error_code: "access_denied" } });
    expect((await post("/v4/order-status", await seal({ order_id: id }, { signer: stranger }))).status).toBe(401);
    const body = await seal({ order_id: id });
    const tag = Buffer.from(body["tag"]!, "base64url");
    tag[0] = tag[0]! ^ 1;
    expect((await post("/v4/order-status", { ...body, tag: tag.toString("base64url") })).status).toBe(401);
  });

  it("a wrong Basic header or merchant id is refused even with a valid JWE; a right one is accepted (docs' v4 sample sends it)", async () => {
    const id = await chargedOrder(api);
    expect((await post("/v4/order-status", await seal({ order_id: id }), { authorization: basic("wrong:") })).status).toBe(401);
    expect((await post("/v4/order-status", await seal({ order_id: id }), { "x-merchantid": "someone_else" })).status).toBe(401);
    expect((await post("/v4/order-status", await seal({ order_id: id }), { authorization: basic(`${API_KEY}:`) })).status).toBe(200);
  });

  it("a plain JSON body is not a JWE: 400", async () => {
    const res = await post("/v4/order-status", { order_id: "o1" });
    expect(res).toMatchObject({ status: 400, body: { error_code: "INVALID_INPUT" } });
  });

  it("Juspay's own errors come back plain, as on the Basic routes", async () => {
    const res = await post("/v4/order-status", await seal({ order_id: "no_such_order" }));
    expect(res).toMatchObject({ status: 400, body: { status: "NOT_FOUND", status_id: 40, order_id: "no_such_order" } });
  });
});
