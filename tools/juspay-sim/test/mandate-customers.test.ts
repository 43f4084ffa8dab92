import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS } from "../src/simulator.js";
import { ensureCustomer, orderId, startApi, type Api } from "./helpers/api.js";

// Issue 17, point 3: "Prerequisite for creating a mandate is to have the
// customer already registered/created" (juspay.io/api-reference/docs/
// express-checkout/create-order--mandate). In strict mode (the default) every
// way of creating a mandate order (POST /orders, /session, a signed SDK
// payload, POST /txns with order.*) for a customer Juspay does not hold is
// refused; implicitCustomers plays an account with Juspay's "internal
// enablement", where the order creates the customer.

const MANDATE = { "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000.00", "mandate.frequency": "ASPRESENTED" };
const REFUSAL = {
  status: "invalid_request_error",
  error_code: "customer_not_found",
  error_info: { code: "RESOURCE_NOT_FOUND", category: "USER_ERROR" },
};
const KEY_ID = "mc1";

let strict: Api;
let implicit: Api;
let privateKey: KeyObject;
let seq = 0;
const customer = (): string => `custmc${process.pid}x${++seq}`;

beforeAll(async () => {
  strict = await startApi();
  implicit = await startApi({ implicitCustomers: true });
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  privateKey = pair.privateKey;
  strict.sim.registerMerchantKey(KEY_ID, pair.publicKey.export({ type: "spki", format: "pem" }).toString());
});
afterAll(async () => {
  await strict?.close();
  await implicit?.close();
});

const createOrder = (api: Api, customerId: string, fields: Record<string, string> = MANDATE) =>
  api.form("/orders", { order_id: orderId("mc"), amount: "1.00", customer_id: customerId, customer_phone: "9876543210", customer_email: "p@example.in", ...fields });

function signedMandatePayload(orderId: string, customerId: string): Record<string, unknown> {
  const orderDetails = JSON.stringify({
    order_id: orderId,
    merchant_id: "sim_merchant",
    customer_id: customerId,
    amount: "1.00",
    currency: "INR",
    timestamp: String(strict.sim.clock.now()),
    "options.create_mandate": "REQUIRED",
    "mandate.max_amount": "1000.00",
    "mandate.frequency": "ASPRESENTED",
  });
  return {
    requestId: "6f1c2d3e-0000-4000-8000-000000000001",
    service: "in.juspay.hyperpay",
    payload: { action: "paymentPage", merchantId: "sim_merchant", clientId: "sim_client", orderId, amount: "1.00", orderDetails, signature: sign("sha256", Buffer.from(orderDetails), privateKey).toString("base64"), merchantKeyId: KEY_ID },
  };
}

describe("strict mode (the default)", () => {
  it("is the default of the programmatic API", () => {
    expect(DEFAULT_OPTIONS.implicitCustomers).toBe(false);
  });

  it("refuses a mandate order (POST /orders) for a customer Juspay does not hold, and stores nothing", async () => {
    const reference = customer();
    const id = orderId("mc");
    const res = await createOrder(strict, reference, { ...MANDATE, order_id: id });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(REFUSAL);
    expect(strict.sim.state.orders[id]).toBeUndefined();
    expect(Object.values(strict.sim.state.customers).filter((c) => c.objectReferenceId === reference)).toEqual([]);
  });

  it("accepts it once the customer is created, by object_reference_id or by Juspay's cst_ id", async () => {
    const reference = customer();
    await ensureCustomer(strict, reference);
    expect((await createOrder(strict, reference)).status).toBe(200);
    const cst = Object.values(strict.sim.state.customers).find((c) => c.objectReferenceId === reference)!.id;
    expect((await createOrder(strict, cst)).status).toBe(200);
  });

  it("refuses a Session API mandate for an unknown customer; a payment session needs no customer", async () => {
    const session = (customerId: string, mandate: boolean) =>
      strict.json("/session", {
        order_id: orderId("mcs"),
        amount: "1.00",
        customer_id: customerId,
        payment_page_client_id: "sim_client",
        action: "paymentPage",
        ...(mandate && { options: { create_mandate: "REQUIRED" }, mandate: { max_amount: "1000.00", frequency: "ASPRESENTED" } }),
      });
    const refused = await session(customer(), true);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject(REFUSAL);
    expect((await session(customer(), false)).status).toBe(200);
  });

  it("refuses POST /txns creating a mandate order for an unknown customer", async () => {
    const res = await strict.form("/txns", {
      "order.order_id": orderId("mct"),
      "order.amount": "1.00",
      "order.customer_id": customer(),
      ...Object.fromEntries(Object.entries(MANDATE).map(([k, v]) => [`order.${k}`, v])),
      payment_method_type: "UPI",
      upi_vpa: "success@upi",
      should_create_mandate: "true",
      format: "json",
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(REFUSAL);
  });

  it("answers a signed SDK payload registering a mandate for an unknown customer with a refused process_result; no order is made", async () => {
    const id = orderId("mck");
    const res = await fetch(`${strict.sim.url}/sdk/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ process_payload: signedMandatePayload(id, customer()), vpa: "success@upi", payment_method_type: "UPI" }) });
    const event = (await res.json()) as { error: boolean; errorCode: string; errorMessage: string; payload: { status: string } };
    expect(res.status).toBe(400);
    expect(event).toMatchObject({ error: true, errorCode: "JP_001", payload: { status: "api_failure" } });
    expect(event.errorMessage).toMatch(/Customer not found/);
    expect(strict.sim.state.orders[id]).toBeUndefined();
  });

  it("lets the same signed payload through once the customer exists", async () => {
    const reference = customer();
    await ensureCustomer(strict, reference);
    const id = orderId("mck");
    const res = await fetch(`${strict.sim.url}/sdk/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ process_payload: signedMandatePayload(id, reference), vpa: "success@upi", payment_method_type: "UPI" }) });
    expect(res.status).toBe(200);
    expect(strict.sim.state.orders[id]?.mandateId).toBeDefined();
  });

  it("asks nothing of a payment order's customer", async () => {
    expect((await createOrder(strict, customer(), {})).status).toBe(200);
  });
});

describe("implicit customers (Juspay's internal enablement)", () => {
  it("creates the unknown customer from the mandate order's customer fields", async () => {
    const reference = customer();
    expect((await createOrder(implicit, reference)).status).toBe(200);
    const created = Object.values(implicit.sim.state.customers).filter((c) => c.objectReferenceId === reference);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ mobileNumber: "9876543210", emailAddress: "p@example.in" });
    expect((await createOrder(implicit, reference)).status).toBe(200);
    expect(Object.values(implicit.sim.state.customers).filter((c) => c.objectReferenceId === reference)).toHaveLength(1);
  });
});

describe("x-routing-id (issue 17, point 7)", () => {
  it("counts Juspay API requests (Basic-auth and /v4) without x-routing-id per route; requests with one, the SDK side and admin routes are not counted", async () => {
    strict.sim.counters.reset();
    const reference = customer();
    await strict.form("/customers", { object_reference_id: reference, mobile_number: "9876543210" }, { "x-routing-id": reference });
    await strict.get(`/customers/${reference}`);
    await strict.get(`/customers/${reference}`, { "x-routing-id": " " });
    await strict.get(`/customers/${reference}/mandates`, { "x-routing-id": reference });
    await fetch(`${strict.sim.url}/sdk/initiate`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await fetch(`${strict.sim.url}/__admin/health`);
    // The signed /v4 routes are Juspay API calls too (refused here: not a JWE body, but counted all the same).
    await fetch(`${strict.sim.url}/v4/order-status`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await fetch(`${strict.sim.url}/v4/session`, { method: "POST", headers: { "content-type": "application/json", "x-routing-id": reference }, body: "{}" });
    expect(strict.sim.counters.snapshot().withoutRoutingId).toEqual({ get_customer: 2, v4_order_status: 1 });
    const admin = (await (await fetch(`${strict.sim.url}/__admin/counters`)).json()) as { withoutRoutingId: unknown };
    expect(admin.withoutRoutingId).toEqual({ get_customer: 2, v4_order_status: 1 });
  });
});
