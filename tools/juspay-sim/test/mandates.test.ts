import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTIFICATION_DELAY_MS } from "../src/engine/mandates.js";
import { PENDING_TXN_SETTLE_MS } from "../src/engine/sandbox.js";
import { captureEvents, newOrder, orderId, pay, startApi, type Api, type Emitted, type Json } from "./helpers/api.js";
import { fixture, shapeProblems } from "./helpers/shape.js";

// Mandates over real HTTP: registration through a payment, commands,
// pre-debit notifications, executions through /txns, listing; each answer
// and webhook compared with Juspay's samples.

let api: Api;
let events: Emitted[];
beforeAll(async () => {
  api = await startApi();
  events = captureEvents(api);
});
afterAll(async () => {
  await api?.close();
});

const MANDATE_UPI = {
  "options.create_mandate": "REQUIRED",
  "mandate.max_amount": "1000",
  "mandate.amount_rule": "VARIABLE",
  "mandate.frequency": "MONTHLY",
  "mandate.rule_type": "ON",
  "mandate.rule_value": "5",
};

/** Registers a UPI mandate (₹1 registration, paid with success@upi); returns the order and mandate ids. */
async function activeMandate(terms: Record<string, string> = MANDATE_UPI, payment: Parameters<typeof pay>[2] = { paymentMethodType: "UPI", vpa: "success@upi" }) {
  const id = await newOrder(api, "1.00", terms);
  pay(api, id, payment);
  const order = (await api.get(`/orders/${id}`)).body;
  return { orderId: id, mandateId: order.mandate?.mandate_id as string, order };
}

const command = (mandateId: string, fields: Record<string, string>) => api.form(`/mandates/${mandateId}`, fields);
const eventFor = (name: string, mandateId: string): Json =>
  events.filter((e) => e.name === name && e.content.mandate?.mandate_id === mandateId).at(-1)?.content;
const sample = (file: string): Json => (fixture(file) as { content: unknown }).content;

// Keys of Juspay's samples the simulator does not produce, and why.
const ORDER_SKIPS = {
  gateway_reference_id: "null unless the order sets metadata.<GATEWAY>:gateway_reference_id; the sample's order did",
  payment_gateway_response: "gateway-specific raw fields (PAYTM_V2) of the sample's gateway",
  metadata: "the sample's gateway pass-through metadata",
};
const CREATED_SKIPS = {
  "mandate.activated_at": "a mandate that is only CREATED has not been activated; Juspay's sample copies an older one",
  "mandate.last_activated_at": "same as activated_at",
};

describe("registration", () => {
  it("creates the mandate with the registration attempt and activates it when the order is CHARGED", async () => {
    const { orderId: id, mandateId, order } = await activeMandate();
    expect(order.status).toBe("CHARGED");
    expect(order.txn_detail.txn_object_type).toBe("EMANDATE_REGISTER");
    expect(order.mandate).toMatchObject({ mandate_status: "ACTIVE", max_amount: 1000, frequency: "MONTHLY", rule_value: 5 });
    expect(shapeProblems(fixture("mandates/order-status/upi.json"), order, { skip: ORDER_SKIPS })).toEqual([]);
    expect(shapeProblems(sample("webhooks/mandate_created.json"), eventFor("MANDATE_CREATED", mandateId), { skip: CREATED_SKIPS })).toEqual([]);
    expect(shapeProblems(sample("webhooks/mandate_activated.json"), eventFor("MANDATE_ACTIVATED", mandateId))).toEqual([]);
    // This sample writes max_amount and revokable_by_customer as strings.
    expect(shapeProblems(sample("mandates/webhook/mandate/active.json"), eventFor("MANDATE_ACTIVATED", mandateId), { lenientScalars: true })).toEqual([]);
    // ORDER_SUCCEEDED already carries the active mandate.
    const succeeded = events.filter((e) => e.name === "ORDER_SUCCEEDED" && e.content.order.order_id === id).at(-1)!;
    expect(succeeded.content.order.mandate.mandate_status).toBe("ACTIVE");
    expect(shapeProblems(sample("webhooks/order_succeeded_mandate.json"), succeeded.content, { skip: prefixed("order.", ORDER_SKIPS) })).toEqual([]);
  });

  it("registers card mandates as MANDATE and NB ones as EMANDATE", async () => {
    const card = await activeMandate({ ...MANDATE_UPI, "mandate.rule_value": "", "mandate.frequency": "ASPRESENTED", "mandate.rule_type": "" }, { paymentMethodType: "CARD", outcome: "success" });
    expect(card.order.mandate.mandate_type).toBe("MANDATE");
    expect(card.order.txn_detail.txn_object_type).toBe("MANDATE_REGISTER");
    expect(shapeProblems(fixture("mandates/order-status/card.json"), card.order, { skip: { ...ORDER_SKIPS, card: "card details of a saved card" } })).toEqual([]);
    const nb = await activeMandate(MANDATE_UPI, { paymentMethodType: "NB", outcome: "success" });
    expect(nb.order.mandate.mandate_type).toBe("EMANDATE");
  });

  it("marks the mandate FAILURE when the registration payment fails", async () => {
    const { mandateId, order } = await activeMandate(MANDATE_UPI, { paymentMethodType: "UPI", vpa: "failure@upi" });
    expect(order.mandate.mandate_status).toBe("FAILURE");
    expect(shapeProblems(sample("webhooks/mandate_failed.json"), eventFor("MANDATE_FAILED", mandateId))).toEqual([]);
    const status = await command(mandateId, { command: "check_status" });
    expect(shapeProblems(fixture("mandates/check-status/failure.json"), status.body)).toEqual([]);
  });

  it.each([
    [{ "mandate.frequency": "SOMETIMES" }, /frequency/],
    [{ "mandate.frequency": "WEEKLY", "mandate.rule_value": "8" }, /rule_value for WEEKLY must be 1-7/],
    [{ "mandate.frequency": "DAILY", "mandate.rule_value": "3" }, /not applicable/],
    [{ "mandate.max_amount": "" }, /max_amount/],
    [{ "mandate.amount_rule": "FIXED", "mandate.max_amount": "0.50" }, /greater than mandate max amount/],
    [{ "options.create_mandate": "ALWAYS" }, /REQUIRED or OPTIONAL/],
  ])("rejects bad registration parameters %j at order creation", async (bad, message) => {
    const res = await api.form("/orders", { order_id: orderId(), amount: "1.00", customer_id: "cust_1", ...MANDATE_UPI, ...bad });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(message);
  });
});

describe("commands", () => {
  it("check_status answers the mandate object", async () => {
    const { mandateId } = await activeMandate();
    const res = await command(mandateId, { command: "check_status" });
    expect(res.body.status).toBe("ACTIVE");
    expect(shapeProblems(fixture("mandates/check-status/active.json"), res.body)).toEqual([]);
  });

  it("pauses an ACTIVE mandate, resumes it, revokes it, and refuses a second revoke", async () => {
    const { mandateId } = await activeMandate();
    const now = Math.floor(api.sim.clock.now() / 1000);
    const paused = await command(mandateId, { command: "pause", pause_start_date: String(now), pause_end_date: String(now + 86_400) });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ mandate_status: "PAUSED", response_message: "Mandate is Paused." });
    expect(shapeProblems(fixture("mandates/pause/response.json"), paused.body)).toEqual([]);
    expect(shapeProblems(sample("webhooks/mandate_paused.json"), eventFor("MANDATE_PAUSED", mandateId))).toEqual([]);
    expect((await command(mandateId, { command: "pause" })).status).toBe(400);

    const resumed = await command(mandateId, { command: "resume", resume_date: String(now) });
    expect(resumed.body).toMatchObject({ mandate_status: "ACTIVE", response_message: "Mandate is Resumed." });
    expect(shapeProblems(fixture("mandates/resume/response.json"), resumed.body)).toEqual([]);

    const revoked = await command(mandateId, { command: "revoke" });
    expect(revoked.body).toEqual({ mandate_status: "REVOKED", mandate_id: mandateId });
    expect(shapeProblems(fixture("mandates/revoke/upi.json"), revoked.body)).toEqual([]);
    expect(shapeProblems(sample("webhooks/mandate_revoked.json"), eventFor("MANDATE_REVOKED", mandateId))).toEqual([]);
    const again = await command(mandateId, { command: "revoke" });
    expect(again.status).toBe(400);
    expect(again.body.error_message).toBe("Mandate Not in Active State");
    expect(shapeProblems(fixture("mandates/check-status/revoked.json"), (await command(mandateId, { command: "check_status" })).body)).toEqual([]);
  });

  it("ends a pause by itself at pause_end_date, and expires the mandate after end_date", async () => {
    const { mandateId } = await activeMandate();
    const now = Math.floor(api.sim.clock.now() / 1000);
    await command(mandateId, { command: "pause", pause_end_date: String(now + 3_600) });
    api.sim.clock.advance(3_601_000);
    expect((await command(mandateId, { command: "check_status" })).body.status).toBe("ACTIVE");

    const end = now + 2 * 86_400;
    const short = await activeMandate({ ...MANDATE_UPI, "mandate.end_date": String(end) });
    api.sim.clock.advance(3 * 86_400_000);
    expect((await command(short.mandateId, { command: "check_status" })).body.status).toBe("EXPIRED");
    expect(shapeProblems(sample("webhooks/mandate_expired.json"), eventFor("MANDATE_EXPIRED", short.mandateId))).toEqual([]);
    expect((await command(short.mandateId, { command: "revoke" })).status).toBe(400);
  });

  it("answers Juspay's errors for an unknown command, a missing command and an unknown mandate", async () => {
    const { mandateId } = await activeMandate();
    expect((await command(mandateId, { command: "explode" })).body).toEqual({ status: "Invalid Request", error_code: "bad_request", error_message: "Invalid command" });
    expect((await command(mandateId, {})).status).toBe(400);
    expect((await command("nope", { command: "check_status" })).status).toBe(404);
  });
});

describe("pre-debit notifications", () => {
  const notify = (mandateId: string, reference: string, amount: string) =>
    command(mandateId, {
      command: "pre_debit_notify",
      object_reference_id: reference,
      description: "Notification for upcoming mandate",
      source_info: JSON.stringify({ amount, txn_date: String(Math.floor(api.sim.clock.now() / 1000) + 90_000), "mandate.display_invoice_number": "INV1" }),
    });

  it("is PENDING, then SUCCESS after delivery, with status by our reference and a webhook", async () => {
    const { mandateId } = await activeMandate();
    const ref = orderId("pdn");
    const created = await notify(mandateId, ref, "99");
    expect(created.body).toMatchObject({ object: "notification", status: "PENDING", object_reference_id: ref });
    expect(shapeProblems(fixture("mandates/notification/response.json"), created.body)).toEqual([]);
    api.sim.clock.advance(NOTIFICATION_DELAY_MS);
    const status = await api.get(`/notifications/${ref}`);
    expect(status.body.status).toBe("SUCCESS");
    expect(shapeProblems(fixture("mandates/notification-status/response.json"), status.body)).toEqual([]);
    const event = events.find((e) => e.name === "NOTIFICATION_SUCCEEDED" && e.content.notification.object_reference_id === ref)!;
    expect(shapeProblems(sample("webhooks/notification_succeeded.json"), event.content)).toEqual([]);
    expect(shapeProblems(sample("mandates/webhook/notification/success.json"), event.content)).toEqual([]);
  });

  it("fails by the sandbox rule (paise ending in 13) with JP_852, and rejects bad requests", async () => {
    const { mandateId } = await activeMandate();
    const ref = orderId("pdn");
    await notify(mandateId, ref, "5.13");
    api.sim.clock.advance(NOTIFICATION_DELAY_MS);
    expect((await api.get(`/notifications/${ref}`)).body).toMatchObject({ status: "FAILURE", response_code: "JP_852" });
    const event = events.find((e) => e.name === "NOTIFICATION_FAILED" && e.content.notification.object_reference_id === ref)!;
    expect(shapeProblems(sample("webhooks/notification_failed.json"), event.content)).toEqual([]);
    expect(shapeProblems(sample("mandates/webhook/notification/failure.json"), event.content)).toEqual([]);

    expect((await notify(mandateId, orderId("pdn"), "1000.01")).status).toBe(400);
    expect((await notify(mandateId, ref, "1")).status).toBe(400);
    expect((await api.get("/notifications/unknown")).status).toBe(404);
  });
});

describe("executions (POST /txns with mandate_id)", () => {
  const execute = (mandateId: string, amount: string, extra: Record<string, string> = {}) =>
    api.form("/txns", { mandate_id: mandateId, "order.order_id": orderId("exe"), "order.amount": amount, merchant_id: "sim_merchant", format: "json", ...extra });

  it("debits an ACTIVE UPI mandate: PENDING_VBV, then CHARGED; status on Order Status (GET /orders/:id)", async () => {
    const { mandateId } = await activeMandate();
    const res = await execute(mandateId, "10.00");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("PENDING_VBV");
    expect(shapeProblems(fixture("mandates/execution/response.json"), res.body)).toEqual([]);
    api.sim.clock.advance(PENDING_TXN_SETTLE_MS);
    const status = await api.get(`/orders/${res.body.order_id}`);
    expect(status.body).toMatchObject({ status: "CHARGED", txn_detail: { txn_object_type: "EMANDATE_PAYMENT", source_object_id: mandateId } });
    const succeeded = events.filter((e) => e.name === "ORDER_SUCCEEDED" && e.content.order.order_id === res.body.order_id).at(-1)!;
    expect(shapeProblems(sample("mandates/webhook/txn/success.json"), succeeded.content, { skip: prefixed("order.", ORDER_SKIPS) })).toEqual([]);
  });

  it("fails a UPI debit outside the sandbox amounts, with ORDER_FAILED", async () => {
    const { mandateId } = await activeMandate();
    const res = await execute(mandateId, "15.00");
    api.sim.clock.advance(PENDING_TXN_SETTLE_MS);
    expect((await api.get(`/orders/${res.body.order_id}`)).body.status).toBe("AUTHORIZATION_FAILED");
    const failed = events.filter((e) => e.name === "ORDER_FAILED" && e.content.order.order_id === res.body.order_id).at(-1)!;
    // This sample writes every scalar as a string.
    expect(shapeProblems(sample("mandates/webhook/txn/failure.json"), failed.content, { skip: prefixed("order.", ORDER_SKIPS), lenientScalars: true })).toEqual([]);
  });

  it("checks the mandate's rules before debiting", async () => {
    const { mandateId } = await activeMandate();
    expect((await execute(mandateId, "1000.01")).body.error_message).toBe("Order amount greater than mandate max amount");
    const fixed = await activeMandate({ ...MANDATE_UPI, "mandate.amount_rule": "FIXED", "mandate.max_amount": "1.00" });
    expect((await execute(fixed.mandateId, "0.50")).body.error_message).toBe("Order amount not equal to mandate max amount");
    await command(mandateId, { command: "pause" });
    expect((await execute(mandateId, "10.00")).body.error_code).toBe("JP_852");
  });

  it("fails a debit linked to a failed pre-debit notification with JP_851", async () => {
    const { mandateId } = await activeMandate();
    const ref = orderId("pdn");
    await command(mandateId, { command: "pre_debit_notify", object_reference_id: ref, source_info: JSON.stringify({ amount: "10.13", txn_date: "1700000000" }) });
    const res = await execute(mandateId, "10.00", { "mandate.notification_id": ref });
    api.sim.clock.advance(PENDING_TXN_SETTLE_MS);
    const order = (await api.get(`/orders/${res.body.order_id}`)).body;
    expect(order.status).toBe("AUTHORIZATION_FAILED");
  });

  it("cancels a scheduled debit (cancel_recurring_transaction) with the answers and errors of Juspay's samples", async () => {
    const sample = (file: string) => fixture(file) as Json;
    const { mandateId } = await activeMandate();
    const res = await execute(mandateId, "10.00");
    const cancel = await command(mandateId, { command: "cancel_recurring_transaction", order_id: res.body.order_id });
    expect(cancel.status).toBe(200);
    expect(shapeProblems(sample("mandates/mandate_status/mandate_stop_response_success.json"), cancel.body)).toEqual([]);
    expect(cancel.body).toMatchObject({ order_id: res.body.order_id, txn_status: "JUSPAY_DECLINED", response_message: sample("mandates/mandate_status/mandate_stop_response_success.json").response_message });
    // Txns-style errors: {session_id: "NOREQID-…", user_message, code, type, message}.
    const txnsStyle = (name: string) => ({ ...sample(name), session_id: expect.stringMatching(/^NOREQID-[0-9a-f]{32}$/) });
    const again = await command(mandateId, { command: "cancel_recurring_transaction", order_id: res.body.order_id });
    expect(again).toEqual({ status: 400, body: txnsStyle("mandates/mandate_status/mandate_failure_below_5_mins.json") });
    const other = await execute((await activeMandate()).mandateId, "10.00");
    const unscheduled = await command(mandateId, { command: "cancel_recurring_transaction", order_id: other.body.order_id });
    expect(unscheduled).toEqual({ status: 400, body: txnsStyle("mandates/mandate_status/mandate_failure_unscheduled_transaction.json") });
    // Classic errors, exactly as published.
    expect(await command(mandateId, { command: "cancel_recurring_transaction" })).toEqual({ status: 400, body: sample("mandates/mandate_status/mandate_stop_failure_no_order_id.json") });
    expect(await command(mandateId, { command: "stop_execution" })).toEqual({ status: 400, body: sample("mandates/mandate_status/mandate_stop_failure_invalid_command.json") });
  });
});

describe("POST /txns payments", () => {
  it("makes a registration attempt with should_create_mandate (UPI collect)", async () => {
    const id = await newOrder(api, "1.00", MANDATE_UPI);
    const res = await api.form("/txns", { order_id: id, merchant_id: "sim_merchant", payment_method_type: "UPI", payment_method: "COLLECT", txn_type: "UPI_COLLECT", upi_vpa: "success@upi", should_create_mandate: "true", mandate_type: "EMANDATE", format: "json" });
    expect(res.status).toBe(200);
    expect(shapeProblems(fixture("mandates/register/collect.json"), res.body)).toEqual([]);
    expect((await api.get(`/orders/${id}`)).body.mandate.mandate_status).toBe("ACTIVE");
  });

  it("answers UPI intent with sdk_params, and a card payment like Juspay's samples", async () => {
    const intentOrder = await newOrder(api, "1.00", MANDATE_UPI);
    const intent = await api.form("/txns", { order_id: intentOrder, payment_method_type: "UPI", payment_method: "UPI_PAY", txn_type: "UPI_PAY", should_create_mandate: "true", format: "json" });
    expect(intent.body.payment.sdk_params.scheme).toBe("mandate");
    expect(shapeProblems(fixture("mandates/register/intent.json"), intent.body, { skip: { "payment.sdk_params.uri_params": "the UPI app's mandate URI parameters (PAYTM's sample); the simulator gives pa, pn, tr, am, cu, mc" } })).toEqual([]);
    const card = await api.form("/txns", { order_id: await newOrder(api, "700.00"), payment_method_type: "CARD", payment_method: "VISA", card_number: "4242424242424242", card_exp_month: "11", card_exp_year: "30", card_security_code: "123", format: "json" });
    expect(card.body.status).toBe("PENDING_VBV");
    for (const file of ["orders/create-payments/response.json", "mandates/register/card.json", "orders/create-order/NBRes.json"]) {
      expect(shapeProblems(fixture(file), card.body), file).toEqual([]);
    }
    expect(JSON.stringify(api.sim.state)).not.toContain("4242424242424242");
  });

  it("accepts Juspay's sample /txns request that creates the order in the same call (order.*)", async () => {
    const request = fixture("orders/create-order/upiCollectReq.json") as Record<string, string>;
    const res = await api.form("/txns", { ...request, "order.order_id": orderId("txn"), merchant_id: "sim_merchant" });
    expect(res.status).toBe(200);
    expect(shapeProblems(fixture("orders/create-order/upiCollectRes.json"), res.body)).toEqual([]);
    const answers: Record<string, Json> = {};
    for (const file of ["orders/create-order/nbReq.json", "orders/create-order/upiIntentReq.json"]) {
      const sampleRequest = fixture(file) as Record<string, string>;
      const answer = await api.form("/txns", { ...sampleRequest, "order.order_id": orderId("txn"), merchant_id: "sim_merchant" });
      expect(answer.status, file).toBe(200);
      answers[file] = answer.body;
    }
    for (const file of ["orders/create-order/upiIntentRes.json", "orders/create-order/response-order-txn-upi-intent.json"]) {
      expect(shapeProblems(fixture(file), answers["orders/create-order/upiIntentReq.json"], { skip: { "payment.sdk_params.uri_params": "the UPI app's full URI parameters; the simulator gives pa, pn, tr, am, cu, mc" } }), file).toEqual([]);
    }
  });
});

describe("listing a customer's mandates", () => {
  it("lists every state, newest first, with count/offset paging", async () => {
    const customer = `cust_${orderId("")}`;
    const terms = { ...MANDATE_UPI, customer_id: customer };
    const a = await activeMandate(terms);
    const b = await activeMandate(terms);
    await command(b.mandateId, { command: "revoke" });
    await activeMandate(terms, { paymentMethodType: "UPI", vpa: "failure@upi" });
    const all = await api.get(`/customers/${customer}/mandates`);
    expect(all.body).toMatchObject({ object: "list", total: 3, offset: 0, count: 3 });
    expect(all.body.list.map((m: Json) => m.status)).toEqual(["FAILURE", "REVOKED", "ACTIVE"]);
    expect(all.body.list.at(-1).mandate_id).toBe(a.mandateId);
    expect(shapeProblems(fixture("mandates/list-mandate/upi.json"), all.body)).toEqual([]);
    const page = await api.get(`/customers/${customer}/mandates?count=1&offset=1`);
    expect(page.body).toMatchObject({ total: 3, offset: 1, count: 1 });
    expect(page.body.list[0].status).toBe("REVOKED");
  });
});

function prefixed(prefix: string, skips: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(skips).map(([k, v]) => [prefix + k, v]));
}
