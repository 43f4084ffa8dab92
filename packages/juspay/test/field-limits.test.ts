import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CircuitBreakers, JuspayClient, JuspayInvalidRequestError } from "../src/index.js";
import { startStubServer, type StubServer } from "./helpers/stub-server.js";

// Issue 17, points 1 and 5: Juspay's documented field limits are refused
// before anything is sent (a local stub records every request), with an
// error naming the field. Notification API (developer.juspay.in/reference/notification-api):
// object_reference_id "Length upto 25 and alphanumeric characters are only
// accepted", description "Max Length: 50", mandate.display_invoice_number
// "alphanumeric and length upto 25". Create Order API: special characters only
// in udf6-udf10.

let stub: StubServer;
let client: JuspayClient;
beforeAll(async () => {
  stub = await startStubServer();
  client = new JuspayClient({ baseUrl: stub.url, apiKey: "key_123", merchantId: "m_1", circuitBreakers: new CircuitBreakers() });
});
afterAll(async () => stub.close());
beforeEach(() => {
  stub.requests.length = 0;
  stub.reply = () => ({ body: { id: "1", object_reference_id: "n1", status: "PENDING", order_id: "o1", txn_id: "t1", source_info: { amount: "5.00" } } });
});

const TXN_DATE = new Date(1_700_000_000_000);

/** The call fails unsent with an invalid-request error whose message names `field`. */
async function refusedUnsent(call: Promise<unknown>, field: string): Promise<void> {
  const err = await call.then(
    () => expect.fail(`expected ${field} to be refused`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JuspayInvalidRequestError);
  expect(err).toMatchObject({ outcome: "not_applied" });
  expect((err as Error).message).toContain(field);
  expect(stub.requests).toHaveLength(0);
}

const form = (i = 0) => Object.fromEntries(new URLSearchParams(stub.requests[i]!.body));

describe("pre_debit_notify (Notification API limits)", () => {
  const notify = (over: Record<string, unknown>) => client.mandates.preDebitNotify("md1", { objectReferenceId: "n1", amountMinor: 500, txnDate: TXN_DATE, ...over });

  it.each([
    ["26 characters", "a".repeat(26)],
    ["an underscore", "pdn_1"],
    ["a hyphen", "pdn-1"],
  ])("refuses an object_reference_id with %s", async (_name, objectReferenceId) => {
    await refusedUnsent(notify({ objectReferenceId }), "objectReferenceId");
  });

  it("refuses a description of 51 characters, or 26 emoji (52 UTF-16 code units)", async () => {
    await refusedUnsent(notify({ description: "d".repeat(51) }), "description");
    await refusedUnsent(notify({ description: "😀".repeat(26) }), "description");
  });

  it.each([["INV/2026/1"], ["INV-1"], ["I".repeat(26)]])("refuses display_invoice_number %s", async (displayInvoiceNumber) => {
    await refusedUnsent(notify({ displayInvoiceNumber }), "displayInvoiceNumber");
  });

  it("sends values at the limits unchanged", async () => {
    const reference = "A".repeat(25);
    await notify({ objectReferenceId: reference, description: "d".repeat(50), displayInvoiceNumber: "INV".padEnd(25, "9") });
    const sent = form();
    expect(sent).toMatchObject({ object_reference_id: reference, description: "d".repeat(50) });
    expect(JSON.parse(sent["source_info"]!)).toMatchObject({ "mandate.display_invoice_number": "INV".padEnd(25, "9") });
  });
});

describe("mandate execution (the same notification and invoice ids)", () => {
  const execute = (over: Record<string, unknown>) => client.txns.executeMandate({ mandateId: "md1", orderId: "e1", amountMinor: 2_000, customerId: "c", ...over });

  it("refuses a notification_id or display_invoice_number outside 1-25 A-Z a-z 0-9", async () => {
    await refusedUnsent(execute({ notificationId: "pdn_1" }), "notificationId");
    await refusedUnsent(execute({ notificationId: "n".repeat(26) }), "notificationId");
    await refusedUnsent(execute({ displayInvoiceNumber: "INV/2026/1" }), "displayInvoiceNumber");
  });

  it("refuses special characters in order.udf1-udf5, sends them in order.udf6-udf10", async () => {
    await refusedUnsent(execute({ extra: { order: { udf5: "a&b" } } }), "order.udf5");
    await execute({ notificationId: "pdn1", displayInvoiceNumber: "INV20261", extra: { order: { udf1: "plan A-1_x.y", udf6: "a&b <c>" } } });
    expect(form()).toMatchObject({ "mandate.notification_id": "pdn1", "mandate.display_invoice_number": "INV20261", "order.udf1": "plan A-1_x.y", "order.udf6": "a&b <c>" });
  });
});

describe("udf1-udf5 carry no special characters (Create Order, Session, Update Order)", () => {
  it.each([["&"], ["@"], ["/"], ["é"], ["😀"], ["'"], ["\""], ["<"], ["+"], [":"]])("refuses %s in udf1-udf5 of orders.create, sessions.create and orders.update", async (ch) => {
    await refusedUnsent(client.orders.create({ orderId: "o1", amountMinor: 100, extra: { udf1: `a${ch}b` } }), "udf1");
    await refusedUnsent(client.sessions.create({ orderId: "o1", amountMinor: 100, customerId: "c", paymentPageClientId: "pp", extra: { udf3: `a${ch}b` } }), "udf3");
    await refusedUnsent(client.orders.update("o1", { extra: { udf5: `a${ch}b` } }), "udf5");
  });

  it("sends letters, digits, space . _ - in udf1-udf5 and anything printable in udf6-udf10", async () => {
    stub.reply = () => ({ body: { order_id: "o1", status: "NEW" } });
    await client.orders.create({ orderId: "o1", amountMinor: 100, extra: { udf1: "Plan A-1_x.y", udf6: "a&b@c/é" } });
    expect(form()).toMatchObject({ udf1: "Plan A-1_x.y", udf6: "a&b@c/é" });
  });
});
