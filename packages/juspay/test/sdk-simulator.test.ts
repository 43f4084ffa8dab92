import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInitiatePayload, buildProcessPayload, SigningKeys, type SdkOrder } from "../src/sdk/index.js";
import { generateRsaPair, TEST_PRIVATE_PEM, TEST_PUBLIC_PEM } from "./helpers/sdk-keys.js";
import { SIM_API_KEY, SIM_MERCHANT_ID, startSimulatorProcess, type SimulatorProcess } from "./helpers/simulator.js";

// The simulator's SDK side verifies the payloads we build, as a separate
// process over HTTP: an independent reading of Juspay's docs.

const CLIENT_ID = "sim_client";
let sim: SimulatorProcess;
const keys = new SigningKeys([{ keyId: "golden", privateKeyPem: TEST_PRIVATE_PEM }]);

beforeAll(async () => {
  sim = await startSimulatorProcess();
  await sim.admin("POST", "merchant-keys", { keyId: "golden", publicKeyPem: TEST_PUBLIC_PEM });
});
afterAll(async () => {
  await sim?.stop();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${sim.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function orderStatus(orderId: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${sim.url}/orders/${orderId}`, {
    headers: { authorization: `Basic ${Buffer.from(`${SIM_API_KEY}:`).toString("base64")}`, "x-merchantid": SIM_MERCHANT_ID, version: "2023-06-30", "content-type": "application/x-www-form-urlencoded" },
  });
  expect(res.status).toBe(200);
  return res.json();
}

let seq = 0;
const order = (over: Partial<SdkOrder> = {}): SdkOrder => ({ orderId: `sdk${Date.now() % 1e9}n${++seq}`, amountMinor: 10000, currency: "INR", customerId: "cst_sdk", ...over });
const common = { merchantId: SIM_MERCHANT_ID, clientId: CLIENT_ID, environment: "sandbox" as const, keys };

describe("simulator /sdk/process", () => {
  it("accepts a signed process payload (as JSON text) and charges it", async () => {
    const built = await buildProcessPayload({ ...common, order: order({ customerEmail: "a@example.com", description: "Café ₹ 😀", udfs: ["x"] }) });
    const res = await post("/sdk/process", { process_payload: built.payloadJson });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ event: "process_result", error: false, payload: { status: "charged", orderId: built.payload.payload.orderId } });
    const status = await orderStatus(built.payload.payload.orderId);
    expect(status.status).toBe("CHARGED");
    expect(status.amount).toBe(100);
  });

  it("registers a mandate from the signed orderDetails (for a customer created first, as Juspay requires)", async () => {
    const customerId = `cst_sdk_mandate${seq}`;
    const created = await fetch(`${sim.url}/customers`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${SIM_API_KEY}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded", "x-routing-id": customerId },
      body: new URLSearchParams({ object_reference_id: customerId, mobile_number: "9876543210" }),
    });
    expect(created.status).toBe(200);
    const start = new Date();
    const built = await buildProcessPayload({
      ...common,
      order: order({ amountMinor: 100, customerId }),
      mandate: { createMandate: "REQUIRED", maxAmountMinor: 150000, amountRule: "VARIABLE", frequency: "MONTHLY", ruleType: "ON", ruleValue: 5, startDate: start, endDate: new Date(start.getTime() + 365 * 86_400_000), revokableByCustomer: true, blockFunds: false },
    });
    const res = await post("/sdk/process", { process_payload: built.payload, payment_method_type: "UPI", vpa: "success@upi" });
    expect(res.body.payload.status).toBe("charged");
    const status = await orderStatus(built.payload.payload.orderId);
    expect(status.mandate).toMatchObject({ mandate_status: "ACTIVE", max_amount: 1500, amount_rule: "VARIABLE", frequency: "MONTHLY", rule_type: "ON", rule_value: 5 });
  });

  it("rejects a tampered orderDetails (amount changed after signing)", async () => {
    const built = await buildProcessPayload({ ...common, order: order() });
    const tampered = JSON.parse(built.payloadJson);
    tampered.payload.orderDetails = built.orderDetails.replace('"amount":"100.00"', '"amount":"1.00"');
    tampered.payload.amount = "1.00";
    const res = await post("/sdk/process", { process_payload: tampered });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: true, errorCode: "JP_001", payload: { status: "api_failure" } });
  });

  it("rejects a signature from a key Juspay does not know under that merchantKeyId", async () => {
    const other = new SigningKeys([{ keyId: "golden", privateKeyPem: generateRsaPair().privateKeyPem }]);
    const built = await buildProcessPayload({ ...common, keys: other, order: order() });
    const res = await post("/sdk/process", { process_payload: built.payloadJson });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(true);
  });

  it("rejects an envelope whose amount copy differs from the signed one", async () => {
    const built = await buildProcessPayload({ ...common, order: order() });
    const res = await post("/sdk/process", { process_payload: { ...built.payload, payload: { ...built.payload.payload, amount: "1.00" } } });
    expect(res.status).toBe(400);
  });
});

describe("simulator /sdk/initiate", () => {
  it("accepts unsigned and signed initiate payloads", async () => {
    const unsigned = await buildInitiatePayload({ merchantId: SIM_MERCHANT_ID, clientId: CLIENT_ID, environment: "sandbox" });
    expect((await post("/sdk/initiate", { initiate_payload: unsigned.payloadJson })).body).toMatchObject({ event: "initiate_result", error: false });
    const signed = await buildInitiatePayload({ ...common, customerId: "cst_sdk", signed: true });
    const res = await post("/sdk/initiate", { initiate_payload: signed.payloadJson });
    expect(res.body).toMatchObject({ event: "initiate_result", error: false, payload: { status: "success" } });
    const tampered = JSON.parse(signed.payloadJson);
    tampered.payload.signaturePayload = signed.signaturePayload!.replace("cst_sdk", "cst_other");
    const rejected = await post("/sdk/initiate", { initiate_payload: tampered });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error).toBe(true);
  });
});
