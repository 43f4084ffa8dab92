import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../src/simulator.js";

// The SDK side over real HTTP: signed process payloads (and Session-API
// sdk_payloads) as our service would hand them to the app.

let sim: Simulator;
let privateKey: KeyObject;
const KEY_ID = "2980";

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  privateKey = pair.privateKey;
  sim.registerMerchantKey(KEY_ID, pair.publicKey.export({ type: "spki", format: "pem" }).toString());
});
afterAll(async () => {
  await sim?.close();
});

let seq = 0;
const newOrderId = () => `sdk${Date.now() % 1e8}${seq++}`;

function processPayload(details: Record<string, unknown>, tweak: (p: Record<string, unknown>) => void = () => {}) {
  const orderDetails = JSON.stringify({
    merchant_id: "sim_merchant",
    customer_id: "cust1",
    amount: "100.00",
    currency: "INR",
    timestamp: String(sim.clock.now()),
    return_url: "https://shop.example.com/done",
    ...details,
  });
  const payload: Record<string, unknown> = {
    action: "paymentPage",
    merchantId: "sim_merchant",
    clientId: "sim_client",
    orderId: details.order_id,
    amount: details.amount ?? "100.00",
    orderDetails,
    signature: sign("sha256", Buffer.from(orderDetails), privateKey).toString("base64"),
    merchantKeyId: KEY_ID,
  };
  tweak(payload);
  return { requestId: "9f6c1e0e-5b1a-4c1e-9f4e-1b2c3d4e5f60", service: "in.juspay.hyperpay", payload };
}

async function sdk(path: "process" | "initiate", body: Record<string, unknown>) {
  const res = await fetch(`${sim.url}/sdk/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, event: (await res.json()) as { event: string; error: boolean; errorCode: string; errorMessage: string; payload: Record<string, unknown> } };
}

async function orderStatus(orderId: string) {
  const res = await fetch(`${sim.url}/orders/${orderId}`, {
    headers: { authorization: `Basic ${Buffer.from("sim_test_api_key:").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("signed process payloads", () => {
  it("creates the order, pays it with the chosen outcome and answers a process_result", async () => {
    const orderId = newOrderId();
    const { status, event } = await sdk("process", { process_payload: processPayload({ order_id: orderId }), outcome: "success" });
    expect(status).toBe(200);
    expect(event).toMatchObject({ event: "process_result", error: false, payload: { action: "paymentPage", status: "charged" } });
    const order = await orderStatus(orderId);
    expect(order.body).toMatchObject({ order_id: orderId, status: "CHARGED", amount: 100 });
  });

  it("accepts the envelope of Juspay's sample: customer copies (customerMobile for customer_phone) and language", async () => {
    const orderId = newOrderId();
    const payload = processPayload({ order_id: orderId, customer_email: "a@example.com", customer_phone: "9876543210" }, (p) =>
      Object.assign(p, { customerId: "cust1", customerEmail: "a@example.com", customerMobile: "9876543210", currency: "INR", language: "english", environment: "sandbox" }),
    );
    const { status, event } = await sdk("process", { process_payload: payload, outcome: "success" });
    expect(status).toBe(200);
    expect(event.payload.status).toBe("charged");
  });

  it("accepts the payload as the JSON text the app received", async () => {
    const orderId = newOrderId();
    const { event } = await sdk("process", { process_payload: JSON.stringify(processPayload({ order_id: orderId })), outcome: "success" });
    expect(event.payload.status).toBe("charged");
  });

  it.each([
    ["a bad signature", (p: Record<string, unknown>) => (p.signature = flip(String(p.signature))), /Signature verification failed/],
    ["an unknown key id", (p: Record<string, unknown>) => (p.merchantKeyId = "9999"), /Unknown merchantKeyId/],
    ["a signature with line breaks (Android Base64.DEFAULT)", (p: Record<string, unknown>) => (p.signature = String(p.signature).replace(/(.{76})/g, "$1\n")), /Signature verification failed/],
    ["an amount changed inside orderDetails after signing", (p: Record<string, unknown>) => (p.orderDetails = String(p.orderDetails).replace('"100.00"', '"1.00"')), /Signature verification failed/],
    ["a convenience copy of the amount that differs from what was signed", (p: Record<string, unknown>) => (p.amount = "1.00"), /payload.amount differs/],
    // Juspay's sample envelope (payment-page-signature, sample-payloads/process-payload.json) copies the customer too; the signed orderDetails stays authoritative.
    ["a customerId copy that differs from what was signed", (p: Record<string, unknown>) => (p.customerId = "someone_else"), /payload.customerId differs/],
    ["a customerMobile copy that differs from the signed customer_phone", (p: Record<string, unknown>) => (p.customerMobile = "9000000000"), /payload.customerMobile differs/],
    ["another merchant", (p: Record<string, unknown>) => (p.merchantId = "someone_else"), /Unknown merchantId/],
  ])("rejects %s, creating nothing", async (_name, tweak, message) => {
    const orderId = newOrderId();
    const { status, event } = await sdk("process", { process_payload: processPayload({ order_id: orderId }, tweak), outcome: "success" });
    expect(status).toBe(400);
    expect(event).toMatchObject({ event: "process_result", error: true, payload: { status: "api_failure" } });
    expect(event.errorMessage).toMatch(message);
    expect((await orderStatus(orderId)).status).not.toBe(200);
  });

  it("rejects a stale timestamp (older than 15 simulated minutes) and one from the future", async () => {
    const old = await sdk("process", { process_payload: processPayload({ order_id: newOrderId(), timestamp: String(sim.clock.now() - 16 * 60_000) }) });
    expect(old.status).toBe(400);
    expect(old.event.errorMessage).toMatch(/stale/);
    const future = await sdk("process", { process_payload: processPayload({ order_id: newOrderId(), timestamp: String(sim.clock.now() + 5 * 60_000) }) });
    expect(future.event.errorMessage).toMatch(/future/);
  });

  it("rejects a signed payload whose amount differs from the existing order", async () => {
    const orderId = newOrderId();
    await sdk("process", { process_payload: processPayload({ order_id: orderId }), outcome: "backpressed" });
    const { status, event } = await sdk("process", { process_payload: processPayload({ order_id: orderId, amount: "250.00" }), outcome: "success" });
    expect(status).toBe(400);
    expect(event.errorMessage).toMatch(/amount differs from the existing order/);
  });

  it("lets the user back out, then retry on the same order after a failed attempt", async () => {
    const orderId = newOrderId();
    const back = await sdk("process", { process_payload: processPayload({ order_id: orderId }), outcome: "backpressed" });
    expect(back.event).toMatchObject({ error: true, payload: { status: "backpressed" } });
    expect((await orderStatus(orderId)).body.status).toBe("NEW");

    const failed = await sdk("process", { process_payload: processPayload({ order_id: orderId }), outcome: "failure" });
    expect(failed.event.error).toBe(true);
    expect(failed.event.payload.status).toMatch(/failed/);

    const paid = await sdk("process", { process_payload: processPayload({ order_id: orderId }), outcome: "success" });
    expect(paid.event.payload.status).toBe("charged");
    const order = await orderStatus(orderId);
    expect(order.body.status).toBe("CHARGED");
    expect(order.body.txn_id).toBe(`sim_merchant-${orderId}-2`);
  });

  it("lets the sandbox rules decide when no outcome is chosen (amount ₹500–700 fails)", async () => {
    const { event } = await sdk("process", { process_payload: processPayload({ order_id: newOrderId(), amount: "600.00" }) });
    expect(event.error).toBe(true);
  });
});

describe("Session-API sdk_payload", () => {
  async function session(orderId: string) {
    const res = await fetch(`${sim.url}/session`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${Buffer.from("sim_test_api_key:").toString("base64")}` },
      body: JSON.stringify({ order_id: orderId, amount: "10.00", customer_id: "cust1", payment_page_client_id: "sim_client", action: "paymentPage" }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { sdk_payload: { requestId: string; service: string; payload: Record<string, unknown> } }).sdk_payload;
  }

  it("pays the order Juspay created at /session", async () => {
    const orderId = newOrderId();
    const sdkPayload = await session(orderId);
    const { status, event } = await sdk("process", { process_payload: sdkPayload, outcome: "success" });
    expect(status).toBe(200);
    expect(event.payload.status).toBe("charged");
    expect((await orderStatus(orderId)).body.status).toBe("CHARGED");
  });

  it("rejects a forged clientAuthToken", async () => {
    const sdkPayload = await session(newOrderId());
    sdkPayload.payload.clientAuthToken = "tkn_forged";
    const { status, event } = await sdk("process", { process_payload: sdkPayload, outcome: "success" });
    expect(status).toBe(400);
    expect(event.errorMessage).toMatch(/clientAuthToken/);
  });
});

describe("initiate payloads", () => {
  it("accepts an unsigned initiate and a signed one; rejects a bad signature", async () => {
    const base = { requestId: "r1", service: "in.juspay.hyperpay", payload: { action: "initiate", merchantId: "sim_merchant", clientId: "sim_client", environment: "sandbox" } };
    expect((await sdk("initiate", { initiate_payload: base })).event).toMatchObject({ event: "initiate_result", error: false });

    const signaturePayload = JSON.stringify({ merchant_id: "sim_merchant", customer_id: "cust1", timestamp: String(sim.clock.now()) });
    const signature = sign("sha256", Buffer.from(signaturePayload), privateKey).toString("base64");
    const signed = { ...base, payload: { ...base.payload, signaturePayload, signature, merchantKeyId: KEY_ID } };
    expect((await sdk("initiate", { initiate_payload: signed })).status).toBe(200);

    const forged = { ...base, payload: { ...signed.payload, signature: flip(signature) } };
    const rejected = await sdk("initiate", { initiate_payload: forged });
    expect(rejected.status).toBe(400);
    expect(rejected.event).toMatchObject({ event: "initiate_result", error: true });
  });
});

function flip(base64: string): string {
  const i = 10;
  return base64.slice(0, i) + (base64[i] === "A" ? "B" : "A") + base64.slice(i + 1);
}
