import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CircuitBreakers,
  JuspayClient,
  JuspayDecodeError,
  JuspayInvalidRequestError,
  JuspayNotFoundError,
  decryptResponse,
  encryptRequest,
  type JweKeys,
} from "../src/index.js";
import { startStubServer, type StubServer } from "./helpers/stub-server.js";

// The client's wire format (headers, encodings, /v4 routing, JWE) against a
// local stub that records every request.

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
    // Juspay's Order Status pages mark Content-Type required on the GET too.
    expect(stub.requests[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");

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

  it("JWE mode: /v4 routes get an encrypted, signed JSON body without Basic auth; answers are decrypted and verified", async () => {
    const pair = () => generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
    const merchant = pair();
    const juspaySide = pair();
    const keyId = "key_0123456789abcdef0123456789abcdef";
    const clientKeys: JweKeys = { keyId, merchantPrivateKeyPem: merchant.privateKey, juspayPublicKeyPem: juspaySide.publicKey, oaep: "RSA-OAEP-256" };
    // Juspay's side: decrypts with its private key, verifies with the merchant's public key, and the reverse for answers.
    const stubKeys: JweKeys = { keyId, merchantPrivateKeyPem: juspaySide.privateKey, juspayPublicKeyPem: merchant.publicKey, oaep: "RSA-OAEP-256" };
    const received: Record<string, unknown>[] = [];
    let answer: (payload: Record<string, unknown>) => { status?: number; body: Record<string, unknown> } = (payload) => ({ body: { order_id: payload["order_id"], status: "CHARGED", amount: 100.15, refunds: [] } });
    stub.reply = async (req) => {
      const payload = (await decryptResponse(JSON.parse(req.body), stubKeys)) as Record<string, unknown>;
      received.push(payload);
      const { status, body } = answer(payload);
      return { status, body: await encryptRequest(body, stubKeys) };
    };
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", jwe: clientKeys, circuitBreakers: new CircuitBreakers() });

    const order = await client.orders.status("o7", { fullGatewayResponse: true });
    expect(order).toMatchObject({ orderId: "o7", status: "CHARGED", amountMinor: 10_015 });
    const req = stub.requests[0]!;
    expect([req.method, req.url, req.headers["content-type"], req.headers["authorization"], req.headers["x-merchantid"]]).toEqual(["POST", "/v4/order-status", "application/json", undefined, "m_1"]);
    expect(Object.keys(JSON.parse(req.body))).toEqual(["header", "encryptedKey", "iv", "encryptedPayload", "tag"]);
    expect(received[0]).toEqual({ order_id: "o7", "options.add_full_gateway_response": "true" });

    await client.orders.refund("o1", { uniqueRequestId: "u9", amountMinor: 50 });
    expect(stub.requests[1]!.url).toBe("/v4/orders/o1/refunds");
    expect(received[1]).toEqual({ unique_request_id: "u9", amount: "0.50", order_id: "o1" });

    answer = () => ({ body: { status: "NEW", order_id: "o3", sdk_payload: { payload: {} } } });
    await client.sessions.create({ orderId: "o3", amountMinor: 100, customerId: "c", paymentPageClientId: "pp" });
    expect(stub.requests[2]!.url).toBe("/v4/session");

    answer = () => ({ body: { order_id: "e3", status: "PENDING_VBV" } });
    await client.txns.executeMandate({ mandateId: "md", orderId: "e3", amountMinor: 100, customerId: "c" });
    expect(stub.requests[3]!.url).toBe("/v4/txns");

    // An encrypted error answer is decrypted before it is classified.
    answer = () => ({ status: 400, body: { status: "NOT_FOUND", status_id: 40, error_info: { code: "RESOURCE_NOT_FOUND" } } });
    await expect(client.orders.status("missing")).rejects.toBeInstanceOf(JuspayNotFoundError);
    // An answer signed with another key is undecodable, never trusted.
    stub.reply = async () => ({ body: await encryptRequest({ order_id: "o7", status: "CHARGED" }, { ...stubKeys, merchantPrivateKeyPem: pair().privateKey }) });
    await expect(client.orders.status("o7")).rejects.toMatchObject({ kind: "decode", issues: [{ message: "could not decrypt or verify the JWE answer" }] });
    // Calls without a /v4 variant keep Basic auth.
    stub.reply = () => ({ body: { id: "cst_1" } });
    await client.customers.get("cst_1");
    expect(stub.requests.at(-1)!.headers["authorization"]).toMatch(/^Basic /);
  });

  it("cancel_recurring_transaction: Juspay's published answer and error bodies decode (fixtures mandates/mandate_status)", async () => {
    const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/juspay/mandates/mandate_status/${name}.json`, import.meta.url), "utf8"));
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
    stub.reply = () => ({ body: sample("mandate_stop_response_success") });
    const done = await client.mandates.cancelRecurringTransaction("md1", { orderId: "test_recurring_1697711432" });
    expect(done).toMatchObject({ orderId: "test_recurring_1697711432", txnUuid: "moz2u5XNtZg2bB8czZ2", txnStatus: "JUSPAY_DECLINED", responseMessage: "Transaction successfully terminated at Juspay end." });
    expect(stub.requests.at(-1)!.body).toBe("command=cancel_recurring_transaction&order_id=test_recurring_1697711432");
    for (const [name, code, message] of [
      ["mandate_failure_below_5_mins", "INVALID_REQUEST", "No scheduled recurring transactions are found."],
      ["mandate_failure_unscheduled_transaction", "INVALID_REQUEST", "No active recurring transactions are scheduled."],
      ["mandate_stop_failure_no_order_id", "bad_request", "Please send order_id"],
    ] as const) {
      stub.reply = () => ({ status: 400, body: sample(name) });
      const err = await client.mandates.cancelRecurringTransaction("md1", { orderId: "o1" }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(JuspayInvalidRequestError);
      expect(err, name).toMatchObject({ errorCode: code, errorMessage: message, outcome: "not_applied" });
    }
  });

  it("refund rejections: the bodies of Juspay's refund-order reference decode (status_id as number or text)", async () => {
    // developer.juspay.in/reference/refund-order, "Refund API failure with response code".
    const client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
    for (const [body, kind, code] of [
      [{ status_id: -1, status: "ERROR", error_message: "A refund call was already completed with this unique_request_id for the order.", error_code: "duplicate.call" }, "duplicate", "duplicate.call"],
      [{ status_id: "-1", status: "ERROR", error_message: "A refund call was already processing with this amount for the order.", error_code: "duplicate.call" }, "duplicate", "duplicate.call"],
      [{ status_id: -1, status: "ERROR", error_message: "Refund amount exceeds the refundable amount.", error_code: "invalid.amount.exceeded" }, "invalid_request", "invalid.amount.exceeded"],
      [{ status: "Bad Request", error_message: "Mandatory fields are missing", error_code: "Mandatory fields are missing" }, "invalid_request", "Mandatory fields are missing"],
    ] as const) {
      stub.reply = () => ({ status: 400, body });
      const err = await client.orders.refund("o1", { uniqueRequestId: "u1", amountMinor: 100 }).catch((e: unknown) => e);
      expect(err, code).toMatchObject({ kind, errorCode: code, errorMessage: body.error_message, httpStatus: 400 });
    }
  });

  it("JWE mode refuses unreadable keys when the client is made, naming the problem, not the key", () => {
    const make = () => new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", jwe: { keyId: "key_1", merchantPrivateKeyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", juspayPublicKeyPem: "x", oaep: "RSA-OAEP-256" } });
    expect(make).toThrow(/jwe: merchant private key for kid "key_1" is not a readable/);
  });
});
