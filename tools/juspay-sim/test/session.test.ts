import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCustomer, orderId, startApi, type Api } from "./helpers/api.js";
import { fixture, shapeProblems } from "./helpers/shape.js";

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

// The request behind fixtures/juspay/session/v1/response.json.
const v1 = (id: string): Record<string, unknown> => ({
  order_id: id,
  amount: "1.0",
  customer_id: "testing-customer-one",
  customer_email: "test@mail.com",
  customer_phone: "9876543210",
  payment_page_client_id: "yourClientId",
  action: "paymentPage",
  return_url: "https://shop.merchant.com",
  description: "Complete your payment",
  first_name: "John",
  last_name: "wick",
  billing_address_first_name: "John",
  billing_address_last_name: "wick",
  "options.get_upi_deep_links": true,
  "metadata.webhook_url": "https://hooks.example/s",
});

describe("POST /session", () => {
  it("creates the order and returns the SDK payload", async () => {
    const id = orderId("s");
    const res = await api.json("/session", v1(id));
    expect(res.status).toBe(200);
    const { sdk_payload: sdk, ...top } = res.body;
    expect(top).toMatchObject({ status: "NEW", order_id: id });
    expect(top.id).toMatch(/^ordeh_/);
    expect(top.payment_links.web).toBe(`${api.sim.url}/orders/${top.id}/payment-page`);
    expect(sdk.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(sdk.service).toBe("in.juspay.hyperpay");
    expect(sdk.payload).toMatchObject({
      clientId: "yourClientId",
      merchantId: "sim_merchant",
      environment: "sandbox",
      action: "paymentPage",
      amount: "1.0",
      orderId: id,
      customerId: "testing-customer-one",
      customerPhone: "9876543210",
      returnUrl: "https://shop.merchant.com",
      billingAddressFirstName: "John",
      "options.getUpiDeepLinks": "true",
    });
    expect(sdk.payload.clientAuthToken).toMatch(/^tkn_/);
    expect(sdk.payload.clientAuthTokenExpiry).toBe(sdk.expiry);
    expect(top.payment_links.expiry).toBe(sdk.expiry);
    // Server-side metadata does not leak into what the app receives.
    expect(JSON.stringify(sdk)).not.toContain("hooks.example");
    const order = (await api.get(`/orders/${id}`)).body;
    expect(order).toMatchObject({ status: "NEW", amount: 1, metadata: { payment_page_client_id: "yourClientId", webhook_url: "https://hooks.example/s" } });
    expect(shapeProblems(fixture("session/v1/response.json"), res.body)).toEqual([]);
  });

  it("copies mandate and service fields in camelCase (enach, v2 sample)", async () => {
    const id = orderId("s");
    // Juspay requires a mandate to start today (the v2 sample's dates are from 2022).
    const start = String(Math.floor(api.sim.clock.now() / 1000));
    const end = String(Number(start) + 1_814_400);
    await ensureCustomer(api, "yourUniqueCustId");
    const res = await api.json("/session", {
      order_id: id,
      amount: "10.00",
      customer_id: "yourUniqueCustId",
      customer_email: "dummyemail@gmail.com",
      customer_phone: "9876543210",
      payment_page_client_id: "picasso",
      action: "enach",
      service: "in.juspay.ec",
      return_url: "https://shop.merchant.com",
      options: { create_mandate: "REQUIRED" },
      mandate: { max_amount: "1000.00", start_date: start, end_date: end },
    });
    expect(res.status).toBe(200);
    expect(res.body.sdk_payload.payload).toMatchObject({
      "options.createMandate": "REQUIRED",
      "mandate.maxAmount": "1000.00",
      "mandate.startDate": start,
      service: "in.juspay.ec",
      amount: "10.0",
    });
    expect(api.sim.state.orders[id]!.mandateRequest).toMatchObject({ "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000.00" });
    expect(shapeProblems(fixture("session/v2/response.json"), res.body)).toEqual([]);
  });

  it("requires payment_page_client_id and action, and a unique order_id", async () => {
    const noClient = await api.json("/session", { order_id: orderId("s"), amount: "1", action: "paymentPage" });
    expect(noClient.status).toBe(400);
    expect(noClient.body).toMatchObject({ error_code: "MISSING_MANDATORY_PARAMETER" });
    expect((await api.json("/session", { order_id: orderId("s"), amount: "1", payment_page_client_id: "c" })).status).toBe(400);
    const id = orderId("s");
    expect((await api.json("/session", { ...v1(id) })).status).toBe(200);
    expect((await api.json("/session", { ...v1(id) })).body.status).toBe("DUPLICATE_ORDER_ID");
    expect((await api.json("/session", { ...v1(orderId("s")), amount: "abc" })).status).toBe(400);
  });

  it("paymentManagement needs a customer and creates no order", async () => {
    const res = await api.json("/session", { customer_id: "cust-9", payment_page_client_id: "c", action: "paymentManagement" });
    expect(res.status).toBe(200);
    expect(res.body.sdk_payload.payload).toMatchObject({ action: "paymentManagement", customerId: "cust-9", clientId: "c" });
    expect(res.body.sdk_payload.payload.orderId).toBeUndefined();
    expect((await api.json("/session", { payment_page_client_id: "c", action: "paymentManagement" })).status).toBe(400);
  });

  it("needs the API key", async () => {
    const res = await fetch(`${api.sim.url}/session`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(401);
  });
});
