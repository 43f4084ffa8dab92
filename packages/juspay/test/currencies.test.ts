import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CircuitBreakers,
  JuspayClient,
  SigningKeys,
  JuspayDecodeError,
  JuspayInvalidRequestError,
  buildProcessPayload,
  currencyExponent,
  decodeNotification,
  decodeOrder,
  decodeRefund,
  formatMinorUnits,
  tryMinorUnits,
  wireDecimals,
} from "../src/index.js";
import { TEST_PRIVATE_PEM } from "./helpers/sdk-keys.js";
import { SIM_API_KEY, SIM_MERCHANT_ID, startSimulatorProcess, type SimulatorProcess } from "./helpers/simulator.js";
import { startStubServer, type StubServer } from "./helpers/stub-server.js";

// Issue 17, point 6: one ISO 4217 table (src/money/currencies.ts) decides how
// every amount is written and read. Before it, the server client always wrote
// two decimals ("5.00" for 500 JPY) while the SDK payload builder wrote "500":
// the same order 100x apart. Juspay's amounts carry at most two decimals
// (reference §1.4), so three-decimal currencies are refused.

describe("the currency table", () => {
  it("has ISO 4217 exponents: JPY 0, INR 2, KWD 3, CLF 4; no entry for codes without a minor unit", () => {
    expect([currencyExponent("JPY"), currencyExponent("INR"), currencyExponent("USD"), currencyExponent("KWD"), currencyExponent("CLF")]).toEqual([0, 2, 2, 3, 4]);
    expect(currencyExponent("XAU")).toBeUndefined();
    expect(wireDecimals("JPY")).toEqual({ ok: true, decimals: 0 });
    expect(wireDecimals("KWD")).toMatchObject({ ok: false, reason: expect.stringMatching(/3 decimals/) });
    expect(wireDecimals("ABC")).toMatchObject({ ok: false });
    expect(wireDecimals("inr")).toMatchObject({ ok: false });
  });

  it("formats and parses with the currency's decimals", () => {
    expect(formatMinorUnits(500, "JPY")).toBe("500");
    expect(formatMinorUnits(500, "INR")).toBe("5.00");
    expect(tryMinorUnits("500", "JPY")).toEqual({ ok: true, value: 500 });
    expect(tryMinorUnits(500, "JPY")).toEqual({ ok: true, value: 500 });
    expect(tryMinorUnits("500.0", "JPY")).toEqual({ ok: true, value: 500 });
    expect(tryMinorUnits("500", "INR")).toEqual({ ok: true, value: 50_000 });
    expect(tryMinorUnits("500.5", "JPY")).toMatchObject({ ok: false, reason: expect.stringMatching(/more decimals than JPY/) });
    expect(tryMinorUnits("1.5", "KWD")).toMatchObject({ ok: false });
  });
});

describe("requests (local stub: what is sent)", () => {
  let stub: StubServer;
  let client: JuspayClient;
  beforeAll(async () => {
    stub = await startStubServer();
    client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
  });
  afterAll(async () => stub.close());
  beforeEach(() => {
    stub.requests.length = 0;
  });
  const form = (i: number) => Object.fromEntries(new URLSearchParams(stub.requests[i]!.body));

  it("writes JPY without decimals in every request that carries an amount", async () => {
    stub.reply = () => ({ body: { order_id: "o1", status: "NEW", currency: "JPY", amount: 500 } });
    await client.orders.create({ orderId: "o1", amountMinor: 500, currency: "JPY", mandate: { createMandate: "OPTIONAL", maxAmountMinor: 1_000 } });
    expect(form(0)).toMatchObject({ amount: "500", currency: "JPY", "mandate.max_amount": "1000" });
    await client.orders.update("o1", { amountMinor: 600, currency: "JPY" });
    expect(form(1)).toMatchObject({ amount: "600" });
    await client.orders.refund("o1", { uniqueRequestId: "r1", amountMinor: 200, currency: "JPY" });
    expect(form(2)).toMatchObject({ amount: "200" });
    stub.reply = () => ({ body: { order_id: "o2", status: "NEW", sdk_payload: { requestId: "r", service: "in.juspay.hyperpay", payload: {} } } });
    await client.sessions.create({ orderId: "o2", amountMinor: 500, currency: "JPY", customerId: "c", paymentPageClientId: "pp" });
    expect(JSON.parse(stub.requests[3]!.body)).toMatchObject({ amount: "500", currency: "JPY" });
    stub.reply = () => ({ body: { order_id: "e1", status: "PENDING_VBV", txn_id: "t" } });
    await client.txns.executeMandate({ mandateId: "md1", orderId: "e1", amountMinor: 500, currency: "JPY", customerId: "c" });
    expect(form(4)).toMatchObject({ "order.amount": "500", "order.currency": "JPY" });
    stub.reply = () => ({ body: { id: "1", object_reference_id: "n1", status: "PENDING", source_info: { amount: "500" } } });
    const notification = await client.mandates.preDebitNotify("md1", { objectReferenceId: "n1", amountMinor: 500, currency: "JPY", txnDate: new Date(1_700_000_000_000) });
    expect(JSON.parse(form(5)["source_info"]!)).toMatchObject({ amount: "500" });
    expect(notification.amountMinor).toBe(500);
  });

  it("the server client and the SDK payload builder write the same order the same way", async () => {
    stub.reply = () => ({ body: { order_id: "o3", status: "NEW" } });
    for (const [currency, minor] of [["JPY", 500], ["INR", 500], ["USD", 12_345]] as const) {
      stub.requests.length = 0;
      await client.orders.create({ orderId: "o3", amountMinor: minor, currency });
      const keys = new SigningKeys([{ keyId: "k", privateKeyPem: TEST_PRIVATE_PEM }]);
      const built = await buildProcessPayload({ merchantId: "m_1", clientId: "c", environment: "sandbox", keys, order: { orderId: "o3", amountMinor: minor, currency, customerId: "" } });
      expect(JSON.parse(built.orderDetails).amount).toBe(form(0)["amount"]);
    }
  });

  it.each([["KWD"], ["ABC"], ["inr"]])("refuses %s before sending", async (currency) => {
    const err = await client.orders.create({ orderId: "o4", amountMinor: 500, currency }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayInvalidRequestError);
    expect((err as Error).message).toContain("currency");
    expect(stub.requests).toHaveLength(0);
  });
});

describe("answers are read in their currency", () => {
  it("an order's amounts, its refunds and its txn in the order's currency; absent currency = INR", () => {
    const order = decodeOrder({ order_id: "o1", status: "CHARGED", currency: "JPY", amount: 500, amount_refunded: 200, refunds: [{ unique_request_id: "r1", amount: 200, status: "SUCCESS" }], txn_detail: { txn_id: "t", txn_amount: 500 } });
    expect(order).toMatchObject({ amountMinor: 500, amountRefundedMinor: 200, refunds: [{ amountMinor: 200 }], txnDetail: { txnAmountMinor: 500 } });
    expect(decodeOrder({ order_id: "o1", status: "CHARGED", amount: 500 }).amountMinor).toBe(50_000);
  });

  it("a standalone refund or notification in the currency the caller names", () => {
    expect(decodeRefund({ unique_request_id: "r1", amount: 200, status: "SUCCESS" }, "JPY").amountMinor).toBe(200);
    expect(decodeNotification({ id: "1", status: "SUCCESS", source_info: { amount: "500" } }, "JPY").amountMinor).toBe(500);
    expect(decodeNotification({ id: "1", status: "SUCCESS", source_info: { amount: "500" } }).amountMinor).toBe(50_000);
  });

  it("a JPY amount with a fraction, or an order in a currency outside the table, fails the decode", () => {
    expect(() => decodeOrder({ order_id: "o1", status: "CHARGED", currency: "JPY", amount: 500.5 })).toThrow(JuspayDecodeError);
    expect(() => decodeOrder({ order_id: "o1", status: "CHARGED", currency: "KWD", amount: 1.5 })).toThrow(JuspayDecodeError);
  });
});

describe("against the simulator (its own currency table, over HTTP)", () => {
  let sim: SimulatorProcess;
  let juspay: JuspayClient;
  beforeAll(async () => {
    sim = await startSimulatorProcess(["--time-scale", "0.000001"]);
    juspay = new JuspayClient({ baseUrl: sim.url, apiKey: SIM_API_KEY, merchantId: SIM_MERCHANT_ID, circuitBreakers: new CircuitBreakers() });
  });
  afterAll(async () => sim?.stop());

  it("a 500 JPY order is 500 yen at Juspay and 500 minor units when read back; its refund too", async () => {
    const orderId = `jpy${Date.now().toString(36)}`;
    const created = await juspay.orders.create({ orderId, amountMinor: 500, currency: "JPY" });
    expect(created).toMatchObject({ amountMinor: 500, currency: "JPY" });
    expect(created.raw["amount"]).toBe(500);
    await sim.pay(orderId, { outcome: "success" });
    const refunded = await juspay.orders.refund(orderId, { uniqueRequestId: `r${orderId}`, amountMinor: 200, currency: "JPY" });
    expect(refunded.refunds[0]).toMatchObject({ amountMinor: 200 });
    expect(refunded.refunds[0]!.raw["amount"]).toBe(200);
    expect((await juspay.orders.status(orderId)).amountMinor).toBe(500);
  });
});
