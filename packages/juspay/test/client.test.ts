import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CircuitBreakers,
  JuspayClient,
  JuspayDuplicateError,
  JuspayInvalidRequestError,
  JuspayNotFoundError,
  findRefund,
  type JuspayClientConfig,
} from "../src/index.js";
import { SIM_API_KEY, SIM_MERCHANT_ID, startSimulatorProcess, type SimulatorProcess } from "./helpers/simulator.js";

// Every call of the client against tools/juspay-sim over real HTTP (the wire
// format against a local stub is in client-wire.test.ts).

let sim: SimulatorProcess;
let juspay: JuspayClient;
let seq = 0;
/** A fresh order id (≤ 20 chars). */
const oid = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;
const HOUR = 3600_000;

function clientFor(url: string, extra: Partial<JuspayClientConfig> = {}): JuspayClient {
  return new JuspayClient({
    baseUrl: url,
    apiKey: SIM_API_KEY,
    merchantId: SIM_MERCHANT_ID,
    timeoutMs: 2_000,
    deadlineMs: 5_000,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    circuitBreakers: new CircuitBreakers(),
    ...extra,
  });
}

beforeAll(async () => {
  // Simulated time stands still unless a test advances it.
  sim = await startSimulatorProcess(["--time-scale", "0.000001"]);
  juspay = clientFor(sim.url);
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(async () => {
  await sim.admin("DELETE", "faults");
});

describe("orders", () => {
  it("creates an order (form body, amount in minor units) and reads it back", async () => {
    const orderId = oid("o");
    const created = await juspay.orders.create({ orderId, amountMinor: 10_015, customerId: "cust_1", customerEmail: "a@b.co", getClientAuthToken: true, extra: { udf1: "x" } });
    expect(created).toMatchObject({ orderId, status: "NEW", statusId: 10, amountMinor: 10_015, currency: "INR", phase: "not_started" });
    expect(created.clientAuthToken?.token).toMatch(/^tkn_/);
    expect(created.clientAuthToken?.expiry?.at).toBeInstanceOf(Date);
    const status = await juspay.orders.status(orderId, { routingId: "cust_1" });
    expect(status).toMatchObject({ orderId, status: "NEW", amountMinor: 10_015, customerId: "cust_1" });
    expect(status.raw["udf1"]).toBe("x");
  });

  it("a second create with the same order id is a duplicate, not a second order", async () => {
    const orderId = oid("d");
    await juspay.orders.create({ orderId, amountMinor: 100 });
    const err = await juspay.orders.create({ orderId, amountMinor: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayDuplicateError);
    expect(err).toMatchObject({ juspayStatus: "DUPLICATE_ORDER_ID", httpStatus: 400, outcome: "not_applied", attempts: 1 });
  });

  it("an unknown order is not-found (Juspay answers 400 NOT_FOUND)", async () => {
    const err = await juspay.orders.status(oid("nf")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayNotFoundError);
    expect(err).toMatchObject({ httpStatus: 400, juspayStatus: "NOT_FOUND", attempts: 1 });
  });

  it("order status after payment, with the full gateway response", async () => {
    const orderId = oid("p");
    await juspay.orders.create({ orderId, amountMinor: 25_000 });
    await sim.pay(orderId, { outcome: "success", payment_method_type: "CARD" });
    const plain = await juspay.orders.status(orderId);
    expect(plain).toMatchObject({ status: "CHARGED", phase: "succeeded", amountMinor: 25_000, paymentMethodType: "CARD" });
    expect(plain.txnDetail).toMatchObject({ status: "CHARGED", txnId: `${SIM_MERCHANT_ID}-${orderId}-1`, txnAmountMinor: 25_000 });
    expect(plain.paymentGatewayResponse?.gatewayResponse ?? null).toBeNull();
    const full = await juspay.orders.status(orderId, { fullGatewayResponse: true });
    expect(full.paymentGatewayResponse?.gatewayResponse).toBeTypeOf("object");
  });

  it("updates an unpaid order at /orders/:id (not the SDK's /orders<id>), refuses a paid one", async () => {
    const orderId = oid("u");
    await juspay.orders.create({ orderId, amountMinor: 1_000 });
    const updated = await juspay.orders.update(orderId, { amountMinor: 2_050, extra: { udf2: "y" } });
    expect(updated).toMatchObject({ orderId, amountMinor: 2_050 });
    expect((await juspay.orders.status(orderId)).amountMinor).toBe(2_050);
    await sim.pay(orderId, { outcome: "success" });
    const err = await juspay.orders.update(orderId, { amountMinor: 3_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayInvalidRequestError);
    expect(err).toMatchObject({ errorCode: "INVALID_ACTION" });
  });

  it("checks parameters locally before sending anything", async () => {
    const before = (await sim.counters()).requests["create_order"] ?? 0;
    await expect(juspay.orders.create({ orderId: "bad id/with slash", amountMinor: 100 })).rejects.toThrow(/orderId/);
    await expect(juspay.orders.create({ orderId: oid("x"), amountMinor: 1.5 })).rejects.toThrow(/amountMinor/);
    await expect(juspay.orders.create({ orderId: oid("x"), amountMinor: -100 })).rejects.toBeInstanceOf(JuspayInvalidRequestError);
    expect((await sim.counters()).requests["create_order"] ?? 0).toBe(before);
  });
});

describe("refunds", () => {
  async function paidOrder(amountMinor = 50_000): Promise<string> {
    const orderId = oid("r");
    await juspay.orders.create({ orderId, amountMinor });
    await sim.pay(orderId, { outcome: "success" });
    return orderId;
  }

  it("refunds through /orders/:id/refunds; the refund settles; a reused unique_request_id is a duplicate", async () => {
    const orderId = await paidOrder();
    const order = await juspay.orders.refund(orderId, { uniqueRequestId: `u${orderId}`, amountMinor: 10_000 });
    const refund = findRefund(order, `u${orderId}`);
    expect(refund).toMatchObject({ status: "PENDING", amountMinor: 10_000, sentToGateway: false, id: null });
    expect(order.amountRefundedMinor).toBe(10_000);
    await sim.advance(6 * 60_000);
    const later = await juspay.orders.status(orderId);
    expect(findRefund(later, `u${orderId}`)).toMatchObject({ status: "SUCCESS", id: `u${orderId}` });
    const again = await juspay.orders.refund(orderId, { uniqueRequestId: `u${orderId}`, amountMinor: 5_000 }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(JuspayDuplicateError);
    expect(again).toMatchObject({ errorCode: "duplicate.call", outcome: "not_applied" });
  });

  it("refunds through /refunds by order id and by txn id", async () => {
    const orderId = await paidOrder();
    const byOrder = await juspay.refunds.create({ uniqueRequestId: `a${orderId}`, amountMinor: 1_000, orderId });
    expect(byOrder).toMatchObject({ uniqueRequestId: `a${orderId}`, amountMinor: 1_000, status: "PENDING", orderId });
    const byTxn = await juspay.refunds.create({ uniqueRequestId: `b${orderId}`, amountMinor: 2_000, txnId: byOrder.txnId! });
    expect(byTxn).toMatchObject({ orderId, amountMinor: 2_000, txnId: byOrder.txnId });
    await expect(juspay.refunds.create({ uniqueRequestId: "c1", amountMinor: 1 })).rejects.toThrow(/exactly one of orderId and txnId/);
  });

  it("an over-refund is an invalid request", async () => {
    const orderId = await paidOrder(1_000);
    const err = await juspay.orders.refund(orderId, { uniqueRequestId: `o${orderId}`, amountMinor: 1_001 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayInvalidRequestError);
    expect(err).toMatchObject({ errorCode: "invalid.amount.exceeded" });
  });
});

describe("sessions and customers", () => {
  it("creates a session: the SDK payload comes back verbatim", async () => {
    const orderId = oid("s");
    const session = await juspay.sessions.create({ orderId, amountMinor: 1_000, customerId: "cust_9", paymentPageClientId: "sim_client", returnUrl: "https://shop.example/return" });
    expect(session).toMatchObject({ orderId, status: "NEW" });
    expect(session.sdkPayload["service"]).toBe("in.juspay.hyperpay");
    const payload = session.sdkPayload["payload"] as Record<string, unknown>;
    expect(payload).toMatchObject({ orderId, amount: "10.0", action: "paymentPage", customerId: "cust_9" });
    expect(payload["clientAuthToken"]).toMatch(/^tkn_/);
    expect(session.paymentLinks?.web).toContain("/payment-page");
    expect(session.sdkPayloadExpiry?.at).toBeInstanceOf(Date);
  });

  it("creates, gets (by id and by reference) and updates a customer", async () => {
    const ref = `cust${oid("")}`;
    const created = await juspay.customers.create({ objectReferenceId: ref, mobileNumber: "9876543210", emailAddress: "c@example.com", firstName: "Asha", getClientAuthToken: true });
    expect(created).toMatchObject({ objectReferenceId: ref, mobileNumber: "9876543210", firstName: "Asha" });
    expect(created.id).toMatch(/^cst_/);
    expect(created.clientAuthToken?.token).toMatch(/^tkn_/);
    expect((await juspay.customers.get(created.id)).objectReferenceId).toBe(ref);
    const byRef = await juspay.customers.get(ref, { getClientAuthToken: true });
    expect(byRef.id).toBe(created.id);
    expect(byRef.clientAuthToken).not.toBeNull();
    const updated = await juspay.customers.update(created.id, { lastName: "Rao", mobileNumber: "9876500000" });
    expect(updated).toMatchObject({ lastName: "Rao", mobileNumber: "9876500000" });
    await expect(juspay.customers.get("cst_doesnotexist")).rejects.toBeInstanceOf(JuspayNotFoundError);
  });
});

describe("mandates", () => {
  let customerId: string;
  let mandateId: string;

  beforeAll(async () => {
    customerId = `mc${oid("")}`;
    const orderId = oid("m");
    // Juspay: "Prerequisite for creating a mandate is to have the customer already registered/created".
    await juspay.customers.create({ objectReferenceId: customerId, mobileNumber: "9876543210" }, { routingId: customerId });
    await juspay.orders.create({
      orderId,
      amountMinor: 100,
      customerId,
      mandate: { createMandate: "REQUIRED", maxAmountMinor: 5_000, amountRule: "VARIABLE", frequency: "ASPRESENTED", revokableByCustomer: true },
    });
    await sim.pay(orderId, { outcome: "success", payment_method_type: "UPI", vpa: "success@upi" });
    const order = await juspay.orders.status(orderId);
    expect(order.mandate).toMatchObject({ status: "ACTIVE", maxAmountMinor: 5_000, amountRule: "VARIABLE" });
    expect(order.txnDetail?.txnObjectType).toBe("EMANDATE_REGISTER");
    mandateId = order.mandate!.mandateId;
  });

  it("lists the customer's mandates and checks one's status", async () => {
    const list = await juspay.mandates.list(customerId, { count: 10, offset: 0 });
    expect(list.mandates.map((m) => [m.mandateId, m.status])).toEqual([[mandateId, "ACTIVE"]]);
    expect(list.total).toBe(1);
    const checked = await juspay.mandates.checkStatus(mandateId, { routingId: customerId });
    expect(checked).toMatchObject({ mandateId, status: "ACTIVE", maxAmountMinor: 5_000, paymentMethodType: "UPI", customerId });
    expect(checked.startDate?.at).toBeInstanceOf(Date);
  });

  it("sends a pre-debit notification, reads its status, executes against it and reads the execution status", async () => {
    const reference = `n${oid("")}`;
    const notification = await juspay.mandates.preDebitNotify(mandateId, { objectReferenceId: reference, amountMinor: 1_000, txnDate: new Date(Date.now() + 26 * HOUR), description: "June" });
    expect(notification).toMatchObject({ objectReferenceId: reference, status: "PENDING", mandateId, amountMinor: 1_000 });
    await sim.advance(61_000);
    expect(await juspay.notifications.status(reference)).toMatchObject({ status: "SUCCESS", objectReferenceId: reference });
    expect((await juspay.notifications.status(notification.id!)).objectReferenceId).toBe(reference);

    const execOrder = oid("e");
    const answer = await juspay.txns.executeMandate({ mandateId, orderId: execOrder, amountMinor: 1_000, customerId, notificationId: reference });
    expect(answer).toMatchObject({ orderId: execOrder, status: "PENDING_VBV" });
    expect(answer.txnId).toBe(`${SIM_MERCHANT_ID}-${execOrder}-1`);
    // Juspay documents a debit's status as Order Status: the default reads GET /orders/:id and nothing else.
    const before = (await sim.counters()).requests["order_status"] ?? 0;
    const pending = await juspay.txns.executionStatus(execOrder);
    expect(pending.source).toBe("order_status");
    expect(pending.order).toMatchObject({ orderId: execOrder, status: "PENDING_VBV", phase: "pending" });
    expect(pending.order.txnDetail).toMatchObject({ txnObjectType: "EMANDATE_PAYMENT", sourceObject: "MANDATE" });
    const counted = await sim.counters();
    expect(counted.requests["order_status"]).toBe(before + 1);
    expect(Object.keys(counted.unrouted).filter((k) => k.includes(execOrder))).toEqual([]);
    await sim.advance(3 * 60_000);
    // The undocumented path, when configured, is answered 404 as Juspay answers a path it does not have: Order Status answers.
    const guide = clientFor(sim.url, { executionStatusPath: "/txns/v2/orders/{order_id}" });
    const charged = await guide.txns.executionStatus(execOrder);
    expect(charged.source).toBe("order_status");
    expect(charged.order).toMatchObject({ status: "CHARGED", amountMinor: 1_000 });
    expect(Object.entries((await sim.counters()).unrouted).filter(([k]) => k.includes(execOrder))).toEqual([[`GET /txns/v2/orders/${execOrder}`, 1]]);
  });

  it("a second execution with the same order id is a duplicate, never a second debit", async () => {
    const execOrder = oid("e");
    await juspay.txns.executeMandate({ mandateId, orderId: execOrder, amountMinor: 2_000, customerId });
    const err = await juspay.txns.executeMandate({ mandateId, orderId: execOrder, amountMinor: 2_000, customerId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayDuplicateError);
  });

  it("cancels a scheduled execution", async () => {
    const execOrder = oid("c");
    await juspay.txns.executeMandate({ mandateId, orderId: execOrder, amountMinor: 3_000, customerId });
    const cancelled = await juspay.mandates.cancelRecurringTransaction(mandateId, { orderId: execOrder });
    expect(cancelled).toMatchObject({ orderId: execOrder, txnStatus: "JUSPAY_DECLINED" });
    expect((await juspay.orders.status(execOrder)).status).toBe("JUSPAY_DECLINED");
  });

  it("pauses, resumes and revokes; a second revoke is refused", async () => {
    const now = Date.parse((await sim.admin("GET", "clock")).nowIso);
    const paused = await juspay.mandates.pause(mandateId, { pauseStartDate: new Date(now), pauseEndDate: new Date(now + 48 * HOUR) });
    expect(paused).toMatchObject({ mandateId, status: "PAUSED", responseMessage: "Mandate is Paused." });
    expect(paused.pauseEndDate?.at?.getTime()).toBe(Math.floor((now + 48 * HOUR) / 1000) * 1000);
    const resumed = await juspay.mandates.resume(mandateId, { resumeDate: new Date(now) });
    expect(resumed).toMatchObject({ status: "ACTIVE", responseMessage: "Mandate is Resumed." });
    const revoked = await juspay.mandates.revoke(mandateId);
    expect(revoked).toMatchObject({ mandateId, status: "REVOKED" });
    const err = await juspay.mandates.revoke(mandateId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JuspayInvalidRequestError);
    expect(err).toMatchObject({ errorCode: "INVALID_ACTION", errorMessage: "Mandate Not in Active State", attempts: 1 });
    expect((await juspay.mandates.checkStatus(mandateId)).status).toBe("REVOKED");
  });
});

// Issue 15, finding 12: customer id ".." reached Juspay's URL path raw and
// ListMandates called GET /mandates. No value can change the path a call is
// sent to: "." and ".." are refused before anything is sent (URL parsers
// resolve them, also as %2E), and everything else is percent-encoded.
describe("path segments", () => {
  const calls: [string, (id: string) => Promise<unknown>][] = [
    ["mandates.list", (id) => juspay.mandates.list(id)],
    ["customers.get", (id) => juspay.customers.get(id)],
    ["orders.status", (id) => juspay.orders.status(id)],
    ["orders.refund", (id) => juspay.orders.refund(id, { uniqueRequestId: "dots1", amountMinor: 100 })],
    ["mandates.revoke", (id) => juspay.mandates.revoke(id)],
    ["notifications.status", (id) => juspay.notifications.status(id)],
  ];

  it.each(calls)("%s refuses dot segments unsent", async (_name, call) => {
    const before = await sim.counters();
    for (const id of [".", ".."]) {
      const err = await call(id).then(
        () => expect.fail(`${JSON.stringify(id)} must be refused`),
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(JuspayInvalidRequestError);
      expect((err as JuspayInvalidRequestError).outcome).toBe("not_applied");
    }
    expect((await sim.counters()).requests).toEqual(before.requests);
  });

  it("an id with dots among other characters stays one segment, percent-encoded", async () => {
    const list = await juspay.mandates.list("a.b@c..d");
    expect(list.mandates).toEqual([]);
    expect((await sim.counters()).requests["list_mandates"]).toBeGreaterThan(0);
  });
});
