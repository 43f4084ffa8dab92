import { Code } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal } from "./helpers/mandate-debit-calls.js";
import { MANDATE_CUSTOMER_PHONE, monthlyMandate, registerMandate } from "./helpers/mandates.js";
import { sdkProcess } from "./helpers/sdk.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Issue 17, point 3: "Prerequisite for creating a mandate is to have the
// customer already registered/created" (juspay.io/api-reference/docs/
// express-checkout/create-order--mandate). Before a customer's first mandate
// registration payload the service creates the Juspay customer (Create
// Customer, object_reference_id = our customer id), remembers it in
// juspay_customers, and never calls again for that customer; unless
// JUSPAY_IMPLICIT_CUSTOMERS says the account creates customers itself. The
// simulator is strict (its default): a mandate for a customer it does not
// hold is refused, as Juspay would.

let seq = 0;
const customer = (): string => `cust_jc${process.pid}x${++seq}`;
const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

const calls = (stack: Stack, route: "create_customer" | "get_customer"): number => stack.sim.counters.snapshot().requests[route] ?? 0;
const simCustomers = (stack: Stack, reference: string) => Object.values(stack.sim.state.customers).filter((c) => c.objectReferenceId === reference);
const ourRow = (stack: Stack, customerId: string) => stack.database.database.db.selectFrom("juspay_customers").selectAll().where("customer_id", "=", customerId).executeTakeFirst();

/** A mandate registration payload request (signature flavour unless told). */
function registration(orderId: string, customerId: string, over: { phone?: string | null; flavour?: ProcessPayloadFlavour; key?: string } = {}) {
  return {
    idempotencyKey: over.key ?? `jc-key-${orderId}`,
    orderId,
    amount: inr(100n),
    customerId,
    ...(over.phone !== null && { customerPhone: over.phone ?? MANDATE_CUSTOMER_PHONE }),
    customerEmail: "payer@example.com",
    mandate: monthlyMandate(),
    ...(over.flavour !== undefined && { flavour: over.flavour }),
  };
}

describe("explicit customers (the default, JUSPAY_IMPLICIT_CUSTOMERS=false)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ jobs: false });
  });
  afterAll(async () => stack?.stop());

  it("the first mandate registration creates the Juspay customer once and remembers it; a second registration makes no call", async () => {
    const customerId = customer();
    const [creates, gets] = [calls(stack, "create_customer"), calls(stack, "get_customer")];
    const first = await registerMandate(stack, { orderId: `jc${++seq}a`, customerId });
    expect(first.sdkStatus).toBe("charged");
    expect(first.mandateId).not.toBe("");
    expect(calls(stack, "create_customer") - creates).toBe(1);
    const atJuspay = simCustomers(stack, customerId);
    expect(atJuspay).toHaveLength(1);
    expect(atJuspay[0]).toMatchObject({ mobileNumber: MANDATE_CUSTOMER_PHONE });
    expect(await ourRow(stack, customerId)).toMatchObject({ customer_id: customerId, juspay_customer_id: atJuspay[0]!.id });

    const second = await registerMandate(stack, { orderId: `jc${++seq}b`, customerId });
    expect(second.sdkStatus).toBe("charged");
    expect(calls(stack, "create_customer") - creates).toBe(1);
    expect(calls(stack, "get_customer") - gets).toBe(0);
  });

  it("the Session API flavour creates the customer before /session", async () => {
    const customerId = customer();
    const creates = calls(stack, "create_customer");
    const res = await stack.payloads.createProcessPayload(registration(`jc${++seq}s`, customerId, { flavour: ProcessPayloadFlavour.SESSION }));
    expect(res.flavour).toBe(ProcessPayloadFlavour.SESSION);
    expect(calls(stack, "create_customer") - creates).toBe(1);
    expect((await sdkProcess(stack, res.payloadJson, "success", { paymentMethodType: "UPI", vpa: "success@upi" })).status).toBe("charged");
  });

  it("concurrent first registrations of one customer create it once", async () => {
    const customerId = customer();
    const creates = calls(stack, "create_customer");
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => stack.payloads.createProcessPayload(registration(`jc${seq}c${i}`, customerId))));
    expect(answers.every((a) => a.payloadJson !== "")).toBe(true);
    expect(calls(stack, "create_customer") - creates).toBe(1);
    expect(simCustomers(stack, customerId)).toHaveLength(1);
    expect(await ourRow(stack, customerId)).toBeDefined();
  });

  it("a customer Juspay already holds (another replica, a lost answer): 'already exists' is success, read back once for its id", async () => {
    const customerId = customer();
    const created = await fetch(`${stack.sim.url}/customers`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded", "x-routing-id": customerId },
      body: new URLSearchParams({ object_reference_id: customerId, mobile_number: "9999999999" }),
    });
    expect(created.status).toBe(200);
    const [creates, gets] = [calls(stack, "create_customer"), calls(stack, "get_customer")];
    const registered = await registerMandate(stack, { orderId: `jc${++seq}d`, customerId });
    expect(registered.sdkStatus).toBe("charged");
    expect([calls(stack, "create_customer") - creates, calls(stack, "get_customer") - gets]).toEqual([1, 1]);
    expect(simCustomers(stack, customerId)).toHaveLength(1);
    expect((await ourRow(stack, customerId))?.juspay_customer_id).toBe(simCustomers(stack, customerId)[0]!.id);
  });

  it("a transient Create Customer failure fails the RPC retryable and leaves nothing behind; the retry succeeds", async () => {
    const customerId = customer();
    const orderId = `jc${++seq}f`;
    stack.sim.faults.add({ route: "create_customer", fault: { kind: "status", status: 503 }, times: Infinity });
    try {
      const { detail } = await refusal(stack.payloads.createProcessPayload(registration(orderId, customerId)), Code.Unavailable, ErrorReason.JUSPAY_UNAVAILABLE);
      expect(detail.retryable).toBe(true);
    } finally {
      stack.sim.faults.clear();
    }
    const db = stack.database.database.db;
    expect(await ourRow(stack, customerId)).toBeUndefined();
    expect(await db.selectFrom("orders").select("order_id").where("order_id", "=", orderId).executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom("idempotency_keys").select("key").where("key", "=", `jc-key-${orderId}`).executeTakeFirst()).toBeUndefined();
    expect(simCustomers(stack, customerId)).toHaveLength(0);

    const retried = await stack.payloads.createProcessPayload(registration(orderId, customerId));
    expect(retried.payloadJson).not.toBe("");
    expect(await ourRow(stack, customerId)).toBeDefined();
  });

  it("the first mandate without customer_phone is INVALID_ARGUMENT naming it, with no call and no row; once the customer exists no phone is needed", async () => {
    const customerId = customer();
    const orderId = `jc${++seq}p`;
    const creates = calls(stack, "create_customer");
    await refusal(stack.payloads.createProcessPayload(registration(orderId, customerId, { phone: null })), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "customer_phone");
    expect(calls(stack, "create_customer")).toBe(creates);
    expect(await stack.database.database.db.selectFrom("orders").select("order_id").where("order_id", "=", orderId).executeTakeFirst()).toBeUndefined();

    await registerMandate(stack, { orderId: `jc${++seq}q`, customerId });
    const later = await stack.payloads.createProcessPayload(registration(`jc${++seq}r`, customerId, { phone: null }));
    expect(later.payloadJson).not.toBe("");
    expect(calls(stack, "create_customer") - creates).toBe(1);
  });

  it("a customer_id shorter than Juspay's 8-character object_reference_id is INVALID_ARGUMENT for a mandate, not for a payment", async () => {
    const orderId = `jc${++seq}x`;
    await refusal(stack.payloads.createProcessPayload(registration(orderId, "cust_7c")), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "customer_id");
    const payment = await stack.payloads.createProcessPayload({ idempotencyKey: `jc-key-${orderId}-pay`, orderId, amount: inr(100n), customerId: "cust_7c" });
    expect(payment.payloadJson).not.toBe("");
  });
});

describe("the strict simulator (Juspay without implicit customers)", () => {
  let stack: Stack;
  beforeAll(async () => {
    // A service that believes the account creates customers implicitly: it makes no Create Customer call.
    stack = await startStack({ jobs: false, settings: { implicitCustomers: true } });
  });
  afterAll(async () => stack?.stop());

  it("refuses the mandate registration of a customer Juspay does not hold, as the service did before issue 17", async () => {
    const customerId = customer();
    const registered = await registerMandate(stack, { orderId: `jc${++seq}z`, customerId });
    expect(registered).toMatchObject({ sdkStatus: "api_failure", mandateId: "" });
    expect(calls(stack, "create_customer")).toBe(0);
    expect(stack.sim.state.orders[`jc${seq}z`]).toBeUndefined();
  });
});

describe("implicit customers (JUSPAY_IMPLICIT_CUSTOMERS=true, an account with Juspay's internal enablement)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ jobs: false, settings: { implicitCustomers: true }, sim: { implicitCustomers: true } });
  });
  afterAll(async () => stack?.stop());

  it("makes no Create Customer call and writes no row; Juspay creates the customer with the mandate", async () => {
    const customerId = customer();
    const registered = await registerMandate(stack, { orderId: `jc${++seq}i`, customerId });
    expect(registered.sdkStatus).toBe("charged");
    expect(registered.mandateId).not.toBe("");
    expect([calls(stack, "create_customer"), calls(stack, "get_customer")]).toEqual([0, 0]);
    expect(await ourRow(stack, customerId)).toBeUndefined();
    expect(simCustomers(stack, customerId)).toHaveLength(1);
  });

  it("accepts a short customer_id and no phone for a mandate (Juspay's rules for Create Customer do not apply)", async () => {
    const res = await stack.payloads.createProcessPayload(registration(`jc${++seq}j`, "c7", { phone: null }));
    expect(res.payloadJson).not.toBe("");
  });
});
