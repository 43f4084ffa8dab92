import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderRecord } from "../src/state/order-key.js";
import { newOrder, orderId, pay, startApi, type Api } from "./helpers/api.js";

// Issue 17, point 6, over real HTTP: the simulator reads and writes amounts
// with the currency's decimals (its own ISO 4217 table,
// src/render/currencies.ts): 500 JPY is "500", never "5.00". Juspay's amounts
// carry at most two decimals, so a three-decimal currency is refused.

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

describe("zero-decimal currencies", () => {
  it("a JPY order of \"500\" is 500 yen: stored as 500 minor units, answered as 500, refunded in yen", async () => {
    const id = await newOrder(api, "500", { currency: "JPY" });
    expect(orderRecord(api.sim.state, id)).toMatchObject({ amountMinor: 500, currency: "JPY" });
    expect((await api.get(`/orders/${id}`)).body).toMatchObject({ amount: 500, currency: "JPY" });
    pay(api, id, { outcome: "success" });
    const refunded = await api.form(`/orders/${id}/refunds`, { unique_request_id: `r${id}`.slice(0, 20), amount: "200" });
    expect(refunded.status).toBe(200);
    expect(refunded.body).toMatchObject({ amount_refunded: 200, refunds: [{ amount: 200 }] });
  });

  it("a JPY amount with a fraction is refused; \"500.00\" is 500 yen", async () => {
    const bad = await api.form("/orders", { order_id: orderId("jpy"), amount: "500.5", currency: "JPY" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error_code: "INVALID_INPUT", error_message: "Invalid order amount" });
    const id = await newOrder(api, "500.00", { currency: "JPY" });
    expect(orderRecord(api.sim.state, id)!.amountMinor).toBe(500);
  });

  it("a JPY mandate's max_amount, its pre-debit notification and its debits are in yen", async () => {
    const id = await newOrder(api, "100", { currency: "JPY", "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000", "mandate.frequency": "ASPRESENTED" });
    pay(api, id, { paymentMethodType: "CARD", outcome: "success" });
    const mandate = (await api.get(`/orders/${id}`)).body.mandate;
    expect(mandate.max_amount).toBe(1000);
    expect(api.sim.state.mandates[mandate.mandate_id]!.maxAmountMinor).toBe(1000);
    const notice = await api.form(`/mandates/${mandate.mandate_id}`, { command: "pre_debit_notify", object_reference_id: "pdnJpy1", source_info: JSON.stringify({ amount: "900", txn_date: "1900000000" }) });
    expect(notice.status).toBe(200);
    expect(notice.body.source_info.amount).toBe("900");
    const over = await api.form("/txns", { mandate_id: mandate.mandate_id, "order.order_id": orderId("exe"), "order.amount": "1001", "order.currency": "JPY", merchant_id: "sim_merchant", format: "json" });
    expect(over.body.error_message).toBe("Order amount greater than mandate max amount");
    const inr = await api.form("/txns", { mandate_id: mandate.mandate_id, "order.order_id": orderId("exe"), "order.amount": "10.00", merchant_id: "sim_merchant", format: "json" });
    expect(inr.status).toBe(400);
  });
});

describe("currencies Juspay's amounts cannot carry", () => {
  it.each([["KWD"], ["ABC"]])("refuses an order in %s", async (currency) => {
    const id = orderId("cur");
    const res = await api.form("/orders", { order_id: id, amount: "1.50", currency });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: "INVALID_INPUT", error_message: "Invalid currency" });
    expect(orderRecord(api.sim.state, id)).toBeUndefined();
  });
});

describe("Session API", () => {
  it("writes a JPY amount in sdk_payload as Juspay's double text, \"500.0\"", async () => {
    const res = await api.json("/session", { order_id: orderId("ses"), amount: "500", currency: "JPY", customer_id: "c1", payment_page_client_id: "sim_client", action: "paymentPage" });
    expect(res.status).toBe(200);
    expect(res.body.sdk_payload.payload).toMatchObject({ amount: "500.0", currency: "JPY" });
  });
});
