import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANDATE_CUSTOMER, captureEvents, ensureCustomer, newOrder, orderId, pay, startApi, type Api, type Emitted, type Json } from "./helpers/api.js";
import { fixture, shapeProblems } from "./helpers/shape.js";

// The Juspay samples not already compared in the per-area tests, and a guard:
// every strict-JSON sample in fixtures/juspay is compared by some test, or is
// listed below as not simulated, with the reason.

const FIXTURES = fileURLToPath(new URL("../../../fixtures/juspay/", import.meta.url));
const TESTS = fileURLToPath(new URL(".", import.meta.url));

/** Samples the simulator does not produce, and why. */
const NOT_SIMULATED: Record<string, string> = {
  "orders/orderFulfilment/response-200.json": "order fulfilment (POST /orders/:id/fulfillment) is not an endpoint the payments service uses",
  "orders/orderFulfilment/response-400.json": "order fulfilment is not simulated (see response-200.json)",
  "webhooks/auto_refund_failed.json": "the simulator's automatic refunds of late successes always succeed",
};

/** Request samples: the simulator must accept them, there is no answer shape to compare. */
const REQUEST_SAMPLES = ["orders/create-order/nbReq.json", "orders/create-order/upiCollectReq.json", "orders/create-order/upiIntentReq.json"];

let api: Api;
let events: Emitted[];
beforeAll(async () => {
  api = await startApi();
  events = captureEvents(api);
  // A mandate needs its customer at Juspay first (strict mode).
  await ensureCustomer(api, MANDATE_CUSTOMER);
});
afterAll(async () => {
  await api?.close();
});

const MANDATE = { "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000", "mandate.frequency": "ASPRESENTED" };
const sample = (file: string): Json => (fixture(file) as { content: unknown }).content;

async function mandateOrder(payment: Parameters<typeof pay>[2]) {
  const id = await newOrder(api, "1.00", MANDATE);
  pay(api, id, payment);
  return (await api.get(`/orders/${id}`)).body;
}

describe("mandate samples", () => {
  it("mandate-order creation answers (card, NB, UPI)", async () => {
    const created = await api.form("/orders", { order_id: orderId(), amount: "1.00", customer_id: MANDATE_CUSTOMER, ...MANDATE });
    for (const file of ["mandates/create-order/card.json", "mandates/create-order/nb.json", "mandates/create-order/upi.json"]) {
      expect(shapeProblems(fixture(file), created.body), file).toEqual([]);
    }
  });

  it("NB registration: order status, /txns answer, list entry", async () => {
    const order = await mandateOrder({ paymentMethodType: "NB", outcome: "success" });
    expect(shapeProblems(fixture("mandates/order-status/nb.json"), order, { skip: { payment_gateway_response: "gateway-specific raw fields of the sample's gateway (RAZORPAY)", gateway_reference_id: "set only with metadata.<GATEWAY>:gateway_reference_id", "mandate.bank_details": "the payer's bank account, which the simulator does not invent" } })).toEqual([]);
    const id = await newOrder(api, "1.00", MANDATE);
    const txn = await api.form("/txns", { order_id: id, payment_method_type: "NB", payment_method: "NB_HDFC", should_create_mandate: "true", format: "json" });
    expect(shapeProblems(fixture("mandates/register/nb.json"), txn.body)).toEqual([]);
    const list = await api.get(`/customers/${MANDATE_CUSTOMER}/mandates`);
    expect(shapeProblems(fixture("mandates/list-mandate/nb.json"), list.body, { skip: { "list[].payment_info.bank_details": "the payer's bank account details, which the simulator does not invent", "list[].payment_info.auth_type": "authentication type of the registration" } })).toEqual([]);
  });

  it("card registration: revoke answer, list entry", async () => {
    const order = await mandateOrder({ paymentMethodType: "CARD", outcome: "success" });
    const revoked = await api.form(`/mandates/${order.mandate.mandate_id}`, { command: "revoke" });
    expect(shapeProblems(fixture("mandates/revoke/card.json"), revoked.body)).toEqual([]);
    const list = await api.get(`/customers/${MANDATE_CUSTOMER}/mandates`);
    expect(shapeProblems(fixture("mandates/list-mandate/card.json"), list.body, { skip: { "list[].payment_info.card": "saved-card details of the payer", "list[].payment_info.auth_type": "authentication type of the registration" } })).toEqual([]);
  });

  it("execution answer of the 'exercise' sample", async () => {
    const order = await mandateOrder({ paymentMethodType: "UPI", vpa: "success@upi" });
    const res = await api.form("/txns", { mandate_id: order.mandate.mandate_id, "order.order_id": orderId("exe"), "order.amount": "10", format: "json" });
    expect(shapeProblems(fixture("mandates/exercise/response.json"), res.body)).toEqual([]);
  });

  it("mandate webhooks of the mandate sample set (scalars written as strings there)", async () => {
    const active = await mandateOrder({ paymentMethodType: "UPI", vpa: "success@upi" });
    const failed = await mandateOrder({ paymentMethodType: "UPI", vpa: "failure@upi" });
    const id = active.mandate.mandate_id as string;
    const now = Math.floor(api.sim.clock.now() / 1000);
    await api.form(`/mandates/${id}`, { command: "pause", pause_end_date: String(now + 60) });
    const paused = lastEvent("MANDATE_PAUSED", id);
    await api.form(`/mandates/${id}`, { command: "revoke" });
    const expiring = await newOrder(api, "1.00", { ...MANDATE, "mandate.end_date": String(now + 120) });
    pay(api, expiring, { paymentMethodType: "UPI", vpa: "success@upi" });
    api.sim.clock.advance(180_000);
    const expiredId = (await api.get(`/orders/${expiring}`)).body.mandate.mandate_id as string;
    const checks: [string, Json, Record<string, string>?][] = [
      ["mandates/webhook/mandate/created.json", lastEvent("MANDATE_CREATED", id), { "mandate.activated_at": "not activated yet when CREATED", "mandate.last_activated_at": "not activated yet when CREATED" }],
      ["mandates/webhook/mandate/paused.json", paused],
      ["mandates/webhook/mandate/revoked.json", lastEvent("MANDATE_REVOKED", id)],
      ["mandates/webhook/mandate/failure.json", lastEvent("MANDATE_FAILED", failed.mandate.mandate_id), { "mandate.activated_at": "a failed mandate was never activated", "mandate.last_activated_at": "a failed mandate was never activated" }],
      ["mandates/webhook/mandate/expired.json", lastEvent("MANDATE_EXPIRED", expiredId)],
    ];
    for (const [file, content, skip] of checks) {
      expect(shapeProblems(sample(file), content, { lenientScalars: true, skip: skip ?? {} }), file).toEqual([]);
    }
  });

  it("TPV mandate session and its order status", async () => {
    const id = orderId("tpv");
    const session = await api.json("/session", { order_id: id, amount: "1.00", customer_id: MANDATE_CUSTOMER, customer_email: "a@b.in", customer_phone: "9999999999", return_url: "https://shop.example.com", payment_page_client_id: "sim_client", action: "paymentPage", order_type: "TPV_PAYMENT", options: { create_mandate: "REQUIRED" }, mandate: { max_amount: "1000.00" } });
    expect(shapeProblems(fixture("mandates/mandates-tpv/response.json"), session.body, { skip: { "sdk_payload.payload.orderType": "TPV order type is stored but not echoed", "sdk_payload.payload.metadata.bankAccountDetails": "TPV bank accounts are not simulated", "payment_links.expiry": "null in the sample" } })).toEqual([]);
    pay(api, id, { paymentMethodType: "UPI", vpa: "success@upi" });
    const status = await api.get(`/orders/${id}`);
    expect(shapeProblems(fixture("mandates/mandates-tpv/order-status-response.json"), status.body, { skip: { payment_gateway_response: "gateway-specific raw fields", gateway_reference_id: "set only with metadata.<GATEWAY>:gateway_reference_id", metadata: "the sample's TPV bank metadata", amount_debited: "a TPV-only key of that sample" } })).toEqual([]);
  });
});

describe("order samples", () => {
  it("a COD order's status (txnsres)", async () => {
    const id = await newOrder(api, "1.00");
    pay(api, id, { paymentMethodType: "CASH", outcome: "success" });
    const status = await api.get(`/orders/${id}`);
    expect(status.body.status).toBe("COD_INITIATED");
    const skip = {
      resp_code: "null until a gateway answers; the sample's COD gateway returned a code",
      resp_message: "as resp_code",
      "txn_detail.response_code": "the COD gateway's answer in that sample",
      "txn_detail.response_message": "the COD gateway's answer in that sample",
      "txn_detail.last_updated": "a newer-version txn_detail key not simulated",
      "txn_detail.txn_amount_breakup": "a JSON string in the other samples (NB), an array in this one; the simulator keeps the string",
      emi_details: "EMI is not simulated",
      "metadata.payment_page_client_id": "session/SDK orders only; this one comes from POST /orders",
      "metadata.payment_links": "session/SDK orders only",
      payment_gateway_response: "gateway-specific raw fields",
      gateway_reference_id: "set only with metadata.<GATEWAY>:gateway_reference_id",
    };
    expect(shapeProblems(fixture("orders/COD/txnsres.json"), status.body, { skip })).toEqual([]);
  });

  it("card /txns answers (MOTO samples) and a Juspay-shaped 400", async () => {
    const id = await newOrder(api, "1.00");
    const paid = await api.form("/txns", { order_id: id, payment_method_type: "CARD", payment_method: "VISA", auth_type: "MOTO", format: "json" });
    expect(shapeProblems(fixture("orders/create-order/moto-200.json"), paid.body)).toEqual([]);
    expect(shapeProblems(fixture("orders/create-order/moto-200-authorized.json"), paid.body, { skip: { merchant_return_url: "pre-authorisation (AUTHORIZED, capture later) is not simulated" } })).toEqual([]);
    const bad = await api.form("/txns", { order_id: await newOrder(api, "1.00"), payment_method_type: "CHEQUE", format: "json" });
    expect(bad.status).toBe(400);
    expect(shapeProblems(fixture("orders/create-order/moto-400.json"), bad.body)).toEqual([]);
  });

  it("order-and-intent creation samples share the order keys of POST /orders", async () => {
    const created = await api.form("/orders", { order_id: orderId(), amount: "2.00", customer_id: "cust_1", "options.get_client_auth_token": "true" });
    const skip = {
      deep_link: "a UPI deep link from POST /orders itself is not simulated; POST /txns gives sdk_params",
      base64_encoded_qr: "a UPI QR from POST /orders is not simulated",
      source_object: "set on mandate orders in that sample only",
      source_object_id: "set on mandate orders in that sample only",
      order_expiry: "order expiry is not simulated",
    };
    for (const file of ["orders/create-order/order-txn.json", "orders/create-order/order-txn-qr.json"]) {
      expect(shapeProblems(fixture(file), created.body, { skip }), file).toEqual([]);
    }
  });
});

describe("every strict-JSON sample", () => {
  it("is compared by a test or listed as not simulated, with a reason", () => {
    const tests = readdirSync(TESTS)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => readFileSync(join(TESTS, f), "utf8"))
      .join("\n");
    const unchecked = strictFixtures().filter((file) => {
      if (NOT_SIMULATED[file] !== undefined || REQUEST_SAMPLES.includes(file)) return false;
      const name = file.split("/").at(-1)!.replace(/\.json$/, "");
      // Named as a path, or (webhook tables) by its file name.
      return !tests.includes(file) && !(file.startsWith("webhooks/") && tests.includes(`"${name}"`));
    });
    expect(unchecked).toEqual([]);
    expect(strictFixtures().length).toBe(95);
  });
});

function lastEvent(name: string, mandateId: string): Json {
  return events.filter((e) => e.name === name && e.content.mandate?.mandate_id === mandateId).at(-1)?.content;
}

function strictFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".json")) {
        try {
          JSON.parse(readFileSync(path, "utf8"));
          out.push(relative(FIXTURES, path));
        } catch {
          // Not strict JSON (doc samples with placeholders): shapes only, per the fixtures README.
        }
      }
    }
  };
  walk(FIXTURES);
  return out.sort();
}
