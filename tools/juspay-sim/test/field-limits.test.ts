import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderRecord } from "../src/state/order-key.js";
import { newOrder, orderId, pay, startApi, type Api } from "./helpers/api.js";
import { invalidParamsBody as invalid } from "./helpers/published-errors.js";

// Issue 17, points 1 and 5, over real HTTP: the simulator refuses what
// Juspay documents it refuses, with the invalid-params body Juspay publishes
// (Create Customer's "Wrong value in mobile_number": 400, INVALID_INPUT, the
// field in error_info.fields; README "Fidelity (issue 17)"), and keeps no
// trace of the refused request.
// - Notification API: object_reference_id "Length upto 25 and alphanumeric
//   characters are only accepted"; description "Max Length: 50";
//   mandate.display_invoice_number "alphanumeric and length upto 25".
// - Create Order API: special characters only in udf6-udf10.

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

async function activeMandateId(): Promise<string> {
  const id = await newOrder(api, "1.00", { "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000", "mandate.frequency": "ASPRESENTED" });
  pay(api, id, { paymentMethodType: "UPI", vpa: "success@upi" });
  return (await api.get(`/orders/${id}`)).body.mandate.mandate_id as string;
}


describe("pre_debit_notify", () => {
  let mandateId: string;
  beforeAll(async () => {
    mandateId = await activeMandateId();
  });
  const notify = (fields: Record<string, string>, sourceInfo: Record<string, string> = {}) =>
    api.form(`/mandates/${mandateId}`, {
      command: "pre_debit_notify",
      source_info: JSON.stringify({ amount: "10", txn_date: String(Math.floor(api.sim.clock.now() / 1000) + 90_000), ...sourceInfo }),
      ...fields,
    });
  const held = (reference: string) => Object.values(api.sim.state.notifications).filter((n) => n.objectReferenceId === reference);

  it.each([
    ["26 characters", "a".repeat(26)],
    ["an underscore", "pdn_1"],
    ["a hyphen", "pdn-1"],
  ])("refuses an object_reference_id with %s", async (_name, reference) => {
    const res = await notify({ object_reference_id: reference });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid("object_reference_id"));
    expect(held(reference)).toHaveLength(0);
  });

  it("refuses a description over 50 characters and an invoice number that is not 1-25 alphanumerics", async () => {
    for (const [fields, sourceInfo, field] of [
      [{ object_reference_id: "pdnDesc1", description: "d".repeat(51) }, {}, "description"],
      [{ object_reference_id: "pdnInv1" }, { "mandate.display_invoice_number": "INV/2026/1" }, "mandate.display_invoice_number"],
      [{ object_reference_id: "pdnInv2" }, { "mandate.display_invoice_number": "I".repeat(26) }, "mandate.display_invoice_number"],
    ] as const) {
      const res = await notify(fields, sourceInfo);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(invalid(field));
      expect(held(fields.object_reference_id)).toHaveLength(0);
    }
  });

  it("accepts every value at its limit", async () => {
    const reference = "A".repeat(25);
    const res = await notify({ object_reference_id: reference, description: "d".repeat(50) }, { "mandate.display_invoice_number": "9".repeat(25) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object_reference_id: reference, description: "d".repeat(50), source_info: { "mandate.display_invoice_number": "9".repeat(25) } });
  });

  it("refuses an execution's mandate.display_invoice_number outside 1-25 alphanumerics, creating no order", async () => {
    const id = orderId("exe");
    const res = await api.form("/txns", { mandate_id: mandateId, "order.order_id": id, "order.amount": "10.00", "mandate.display_invoice_number": "INV-1", merchant_id: "sim_merchant", format: "json" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid("mandate.display_invoice_number"));
    expect(orderRecord(api.sim.state, id)).toBeUndefined();
  });
});

describe("udf1-udf5 without special characters", () => {
  it.each([["&"], ["@"], ["/"], ["é"], ["'"], ["<"], ["+"], [":"]])("refuses %s in udf1-udf5 on /orders and /session; udf6-udf10 take it", async (ch) => {
    for (const udf of ["udf1", "udf5"]) {
      const id = orderId("udf");
      const res = await api.form("/orders", { order_id: id, amount: "10.00", [udf]: `a${ch}b` });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(invalid(udf));
      expect(orderRecord(api.sim.state, id)).toBeUndefined();
    }
    const session = await api.json("/session", { order_id: orderId("udf"), amount: "10.00", customer_id: "c1", payment_page_client_id: "sim_client", action: "paymentPage", udf2: `a${ch}b` });
    expect(session.status).toBe(400);
    const ok = await api.form("/orders", { order_id: orderId("udf"), amount: "10.00", udf1: "Plan A-1_x.y", udf6: `a${ch}b` });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ udf1: "Plan A-1_x.y", udf6: `a${ch}b` });
  });

  it("an order update with a special character in udf3 changes nothing, not even the amount", async () => {
    const id = await newOrder(api, "10.00", { udf3: "before" });
    const res = await api.form(`/orders/${id}`, { amount: "20.00", udf3: "a&b" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid("udf3"));
    expect((await api.get(`/orders/${id}`)).body).toMatchObject({ amount: 10, udf3: "before" });
  });
});
