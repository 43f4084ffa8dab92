import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CircuitBreakers,
  JuspayClient,
  JuspayDecodeError,
  JuspayDuplicateError,
  JuspayInvalidRequestError,
  JuspayNotFoundError,
  decryptResponse,
  encryptRequest,
  findRefund,
  type JuspayClientConfig,
  type JweCodec,
  type JweKeys,
} from "../src/index.js";
import { SIM_API_KEY, SIM_MERCHANT_ID, startSimulatorProcess, type SimulatorProcess } from "./helpers/simulator.js";
import { startStubServer, type StubServer } from "./helpers/stub-server.js";

// Every call of the client against tools/juspay-sim over real HTTP, plus the
// wire format (headers, encodings, /v4 routing) against a local stub.

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
    const pending = await juspay.txns.executionStatus(execOrder);
    expect(pending.source).toBe("execution_status");
    expect(pending.order).toMatchObject({ orderId: execOrder, status: "PENDING_VBV", phase: "pending" });
    expect(pending.order.txnDetail).toMatchObject({ txnObjectType: "EMANDATE_PAYMENT", sourceObject: "MANDATE" });
    await sim.advance(3 * 60_000);
    // The execution-status path answering 404 falls back to Order Status.
    await sim.faults({ route: "execution_status", fault: { kind: "status", status: 404 } });
    const charged = await juspay.txns.executionStatus(execOrder);
    expect(charged.source).toBe("order_status");
    expect(charged.order).toMatchObject({ status: "CHARGED", amountMinor: 1_000 });
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

describe("wire format (local stub)", () => {
  let stub: StubServer;

  beforeAll(async () => {
    stub = await startStubServer();
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(() => {
    stub.requests.length = 0;
  });

  it("sends Basic base64(key:), x-merchantid, version, x-routing-id, user-agent and a form body", async () => {
    stub.reply = () => ({ body: { order_id: "o1", status: "CHARGED", amount: 100, refunds: [{ unique_request_id: "u1", amount: 1, status: "PENDING" }] } });
    const client = new JuspayClient({ baseUrl: `${stub.url}/`, apiKey: "key_123", merchantId: "m_1", version: "2021-10-25", circuitBreakers: new CircuitBreakers() });
    await client.orders.refund("o1", { uniqueRequestId: "u1", amountMinor: 100 }, { routingId: "cust_7" });
    const req = stub.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/orders/o1/refunds");
    expect(req.headers["authorization"]).toBe(`Basic ${Buffer.from("key_123:").toString("base64")}`);
    expect(req.headers["x-merchantid"]).toBe("m_1");
    expect(req.headers["version"]).toBe("2021-10-25");
    expect(req.headers["x-routing-id"]).toBe("cust_7");
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req.headers["user-agent"]).toMatch(/^payments-juspay\//);
    expect(req.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({ unique_request_id: "u1", amount: "1.00" });
  });

  it("order status with options.add_full_gateway_response; session as JSON; mandate execution fields", async () => {
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
    stub.reply = () => ({ body: { order_id: "o1", status: "NEW" } });
    await client.orders.status("o1", { fullGatewayResponse: true });
    expect(stub.requests[0]!.url).toBe("/orders/o1?options.add_full_gateway_response=true");
    expect(stub.requests[0]!.headers["version"]).toBe("2023-06-30");

    stub.reply = () => ({ body: { status: "NEW", order_id: "o2", sdk_payload: { requestId: "r", service: "in.juspay.hyperpay", payload: {} } } });
    await client.sessions.create({ orderId: "o2", amountMinor: 1_000, customerId: "c", paymentPageClientId: "pp", mandate: { createMandate: "OPTIONAL", maxAmountMinor: 100_000, startDate: new Date(1_700_000_000_000) } });
    expect(stub.requests[1]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(stub.requests[1]!.body)).toMatchObject({ order_id: "o2", amount: "10.00", "options.create_mandate": "OPTIONAL", "mandate.max_amount": "1000.00", "mandate.start_date": "1700000000" });

    stub.reply = () => ({ body: { order_id: "e1", status: "PENDING_VBV", txn_id: "t" } });
    await client.txns.executeMandate({ mandateId: "md1", orderId: "e1", amountMinor: 2_000, customerId: "c", executionDate: new Date(1_700_000_000_000), extra: { order: { udf1: "u" } } });
    expect(Object.fromEntries(new URLSearchParams(stub.requests[2]!.body))).toEqual({
      "order.udf1": "u",
      "order.order_id": "e1",
      "order.amount": "20.00",
      "order.customer_id": "c",
      "order.currency": "INR",
      mandate_id: "md1",
      merchant_id: "m_1",
      format: "json",
      "mandate.execution_date": "1700000000",
    });

    stub.reply = () => ({ body: { id: "1", object_reference_id: "n1", status: "PENDING", source_info: { amount: "5.00" } } });
    await client.mandates.preDebitNotify("md1", { objectReferenceId: "n1", amountMinor: 500, txnDate: new Date(1_700_000_000_000) });
    const pdn = Object.fromEntries(new URLSearchParams(stub.requests[3]!.body));
    expect(pdn).toMatchObject({ command: "pre_debit_notify", object_reference_id: "n1" });
    expect(JSON.parse(pdn["source_info"]!)).toEqual({ amount: "5.00", txn_date: "1700000000" });
  });

  it("200 with HTML or wrong types is a decode error; the excerpt and path are redacted", async () => {
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
    stub.reply = () => ({ body: "<html><body>Welcome customer@gmail.com 9876543210</body></html>", headers: { "content-type": "text/html" } });
    const html = await client.customers.get("customer@gmail.com").catch((e: unknown) => e);
    expect(html).toBeInstanceOf(JuspayDecodeError);
    expect(html).toMatchObject({ httpStatus: 200, issues: [{ message: "body is not JSON" }], path: "/customers/c***@gmail.com", attempts: 1 });
    expect(JSON.stringify(html)).not.toMatch(/customer@gmail\.com|9876543210/);
    expect((html as JuspayDecodeError).bodyExcerpt).toContain("c***@gmail.com");
    stub.reply = () => ({ body: { order_id: 42, status: "CHARGED" } });
    const wrong = await client.orders.status("o1").catch((e: unknown) => e);
    expect(wrong).toMatchObject({ kind: "decode", issues: [{ path: "order_id" }] });
  });

  it("a routing id that could inject a header is refused before sending", async () => {
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
    await expect(client.orders.status("o1", { routingId: "a\r\nx-evil: 1" })).rejects.toBeInstanceOf(JuspayInvalidRequestError);
    expect(stub.requests).toHaveLength(0);
  });

  it("JWE mode: /v4 routes get the encrypted JSON body, answers are decrypted (codec stub)", async () => {
    const seen: Record<string, unknown>[] = [];
    const codec: JweCodec = {
      encryptRequest: (payload) => {
        seen.push(payload);
        return { header: "h", encryptedKey: "k", iv: "i", encryptedPayload: Buffer.from(JSON.stringify(payload)).toString("base64"), tag: "t" };
      },
      decryptResponse: (body) => JSON.parse(Buffer.from((body as { encryptedPayload: string }).encryptedPayload, "base64").toString("utf8")),
    };
    const wrap = (value: unknown) => ({ header: "h", encryptedKey: "k", iv: "i", encryptedPayload: Buffer.from(JSON.stringify(value)).toString("base64"), tag: "t" });
    const keys = { keyId: "key_0123456789abcdef0123456789abcdef", merchantPrivateKeyPem: "-", juspayPublicKeyPem: "-", oaep: "RSA-OAEP-256" as const };
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", jwe: keys, jweCodec: codec, circuitBreakers: new CircuitBreakers() });

    stub.reply = () => ({ body: wrap({ order_id: "o1", status: "CHARGED", amount: 1 }) });
    const order = await client.orders.status("o1", { fullGatewayResponse: true });
    expect(order).toMatchObject({ orderId: "o1", status: "CHARGED", amountMinor: 100 });
    const req = stub.requests[0]!;
    expect([req.method, req.url, req.headers["content-type"], req.headers["authorization"], req.headers["x-merchantid"]]).toEqual(["POST", "/v4/order-status", "application/json", undefined, "m_1"]);
    expect(JSON.parse(req.body)).toMatchObject({ header: "h", encryptedPayload: expect.any(String) });
    expect(seen[0]).toEqual({ order_id: "o1", "options.add_full_gateway_response": "true" });

    await client.orders.refund("o1", { uniqueRequestId: "u9", amountMinor: 50 });
    expect(stub.requests[1]!.url).toBe("/v4/orders/o1/refunds");
    expect(seen[1]).toEqual({ unique_request_id: "u9", amount: "0.50", order_id: "o1" });

    stub.reply = () => ({ body: wrap({ status: "NEW", order_id: "o3", sdk_payload: { payload: {} } }) });
    await client.sessions.create({ orderId: "o3", amountMinor: 100, customerId: "c", paymentPageClientId: "pp" });
    expect(stub.requests[2]!.url).toBe("/v4/session");

    stub.reply = () => ({ body: wrap({ order_id: "e3", status: "PENDING_VBV" }) });
    await client.txns.executeMandate({ mandateId: "md", orderId: "e3", amountMinor: 100, customerId: "c" });
    expect(stub.requests[3]!.url).toBe("/v4/txns");

    // An encrypted error answer is decrypted before it is classified.
    stub.reply = () => ({ status: 400, body: wrap({ status: "NOT_FOUND", status_id: 40, error_info: { code: "RESOURCE_NOT_FOUND" } }) });
    await expect(client.orders.status("o404")).rejects.toBeInstanceOf(JuspayNotFoundError);
    // Calls without a /v4 variant keep Basic auth.
    stub.reply = () => ({ body: { id: "cst_1" } });
    await client.customers.get("cst_1");
    expect(stub.requests.at(-1)!.headers["authorization"]).toMatch(/^Basic /);
  });

  it("JWE mode end to end with src/jwe's encryptRequest/decryptResponse (stub plays Juspay with the mirrored keys)", async () => {
    const pair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    const merchant = pair();
    const juspaySide = pair();
    const keyId = "key_0123456789abcdef0123456789abcdef";
    const clientKeys: JweKeys = { keyId, merchantPrivateKeyPem: merchant.privateKey, juspayPublicKeyPem: juspaySide.publicKey, oaep: "RSA-OAEP-256" };
    // Juspay's side: decrypts with its private key, verifies with the merchant's public key, and the reverse for answers.
    const stubKeys: JweKeys = { keyId, merchantPrivateKeyPem: juspaySide.privateKey, juspayPublicKeyPem: merchant.publicKey, oaep: "RSA-OAEP-256" };
    const received: unknown[] = [];
    stub.reply = (req) => {
      const payload = decryptResponse(JSON.parse(req.body), stubKeys) as Record<string, unknown>;
      received.push(payload);
      if (payload["order_id"] === "missing") return { status: 400, body: encryptRequest({ status: "NOT_FOUND", status_id: 40, error_info: { code: "RESOURCE_NOT_FOUND" } }, stubKeys) };
      return { body: encryptRequest({ order_id: payload["order_id"], status: "CHARGED", amount: 100.15, refunds: [] }, stubKeys) };
    };
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", jwe: clientKeys, circuitBreakers: new CircuitBreakers() });
    const order = await client.orders.status("o7", { fullGatewayResponse: true });
    expect(order).toMatchObject({ orderId: "o7", status: "CHARGED", amountMinor: 10_015 });
    expect(received[0]).toEqual({ order_id: "o7", "options.add_full_gateway_response": "true" });
    expect(stub.requests.at(-1)!.url).toBe("/v4/order-status");
    await expect(client.orders.status("missing")).rejects.toBeInstanceOf(JuspayNotFoundError);
    // An answer signed with another key is undecodable, never trusted.
    stub.reply = () => ({ body: encryptRequest({ order_id: "o7", status: "CHARGED" }, { ...stubKeys, merchantPrivateKeyPem: pair().privateKey }) });
    await expect(client.orders.status("o7")).rejects.toMatchObject({ kind: "decode", issues: [{ message: "could not decrypt or verify the JWE answer" }] });
  });
});
