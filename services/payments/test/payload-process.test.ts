import { verify } from "node:crypto";
import { toBinary, toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { CreateInitiatePayloadResponseSchema, CreateProcessPayloadResponseSchema, ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CreateProcessPayloadRequest, CreateProcessPayloadRequestSchema } from "@payments/proto/payments/v1/payload_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pemBody, sdkProcess } from "./helpers/sdk.js";
import { SIGNING_KEY_ID, startStack, testSigningKey, type Stack } from "./helpers/stack.js";

// CreateProcessPayload over gRPC against the simulator playing HyperSDK:
// signature verifies over the exact order_details, idempotent replays are
// byte-identical, the amount comes from our row (criterion 37), session flavour.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

type Req = Exclude<MessageInitShape<typeof CreateProcessPayloadRequestSchema>, CreateProcessPayloadRequest>;

function request(orderId: string, key: string, over: Partial<Req> = {}): Req {
  return {
    idempotencyKey: key,
    orderId,
    amount: { amountMinor: 10_050n, currency: "INR" },
    customerId: "cust_1",
    customerEmail: "asha@example.com",
    customerPhone: "9876543210",
    description: "Order for tests",
    returnUrl: "https://shop.example.com/done",
    udfs: { udf1: "a", udf3: "c" },
    ...over,
  };
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "the call should fail").toBeDefined();
  return ConnectError.from(err);
}


describe("CreateProcessPayload, signature flavour", () => {
  it("signs the exact order_details; the simulator accepts and pays it; a one-byte change is refused", async () => {
    const res = await stack.payloads.createProcessPayload(request("pp1", "key-pp1-a"));
    expect(res.flavour).toBe(ProcessPayloadFlavour.SIGNATURE);
    expect(res.flavourDetails.case).toBe("signed");
    const signed = res.flavourDetails.case === "signed" ? res.flavourDetails.value : undefined;
    expect(signed?.merchantKeyId).toBe(SIGNING_KEY_ID);
    const { publicKeyPem } = testSigningKey();
    expect(verify("sha256", Buffer.from(signed!.orderDetails, "utf8"), publicKeyPem, Buffer.from(signed!.signature, "base64"))).toBe(true);
    const details = JSON.parse(signed!.orderDetails) as Record<string, string>;
    expect(details).toMatchObject({ order_id: "pp1", amount: "100.50", customer_id: "cust_1", currency: "INR", return_url: "https://shop.example.com/done", udf1: "a", udf2: "", udf3: "c" });
    const payload = JSON.parse(res.payloadJson) as { payload: Record<string, string> };
    expect(payload.payload.orderDetails).toBe(signed!.orderDetails);
    // The envelope of Juspay's signature sample (issue 17, point 10): customerMobile (not customerPhone) and language.
    expect(Object.keys(payload.payload).sort()).toEqual(
      ["action", "amount", "clientId", "currency", "customerEmail", "customerId", "customerMobile", "environment", "language", "merchantId", "merchantKeyId", "orderDetails", "orderId", "signature"].sort(),
    );
    expect(payload.payload).toMatchObject({ customerId: "cust_1", customerEmail: "asha@example.com", customerMobile: "9876543210", language: "english", amount: "100.50" });

    // One byte changed in what was signed: the simulator (as Juspay) refuses it.
    const tampered = JSON.parse(res.payloadJson) as { payload: Record<string, string> };
    tampered.payload.orderDetails = signed!.orderDetails.replace('"100.50"', '"100.51"');
    const refused = await sdkProcess(stack, tampered);
    expect(refused.httpStatus).toBe(400);
    expect(refused.error).toBe(true);

    const paid = await sdkProcess(stack, res.payloadJson);
    expect(paid.httpStatus).toBe(200);
    expect(paid.status).toBe("charged");
  });

  it("writes the order row with every field before answering", async () => {
    await stack.payloads.createProcessPayload(request("pp2", "key-pp2-a"));
    const row = await stack.database.database.db.selectFrom("orders").selectAll().where("order_id", "=", "pp2").executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      amount_minor: 10_050n,
      currency: "INR",
      customer_id: "cust_1",
      status: "NEW",
      order_type: "PAYMENT",
      customer_email: "asha@example.com",
      customer_phone: "9876543210",
      description: "Order for tests",
      return_url: "https://shop.example.com/done",
      udfs: { udf1: "a", udf3: "c" },
      mandate_options: null,
    });
    const job = await stack.database.database.db.selectFrom("jobs").select("unique_key").where("unique_key", "=", "order.sync:pp2").executeTakeFirst();
    expect(job).toBeDefined();
  });

  it("replays a retried call byte for byte; the same key with other parameters is FAILED_PRECONDITION", async () => {
    const first = await stack.payloads.createProcessPayload(request("pp3", "key-pp3-a"));
    const again = await stack.payloads.createProcessPayload(request("pp3", "key-pp3-a"));
    expect(Buffer.from(toBinary(CreateProcessPayloadResponseSchema, again)).equals(Buffer.from(toBinary(CreateProcessPayloadResponseSchema, first)))).toBe(true);
    expect(again.payloadJson).toBe(first.payloadJson);

    const reused = await failure(stack.payloads.createProcessPayload(request("pp3", "key-pp3-a", { description: "something else" })));
    expect(reused.code).toBe(Code.FailedPrecondition);
    expect(errorReason(reused)).toBe(ErrorReason.IDEMPOTENCY_KEY_REUSED);
  });

  it("takes the amount from our row: a new key for the same order works, another amount is refused", async () => {
    const first = await stack.payloads.createProcessPayload(request("pp4", "key-pp4-a"));
    const second = await stack.payloads.createProcessPayload(request("pp4", "key-pp4-b", { customerEmail: "other@example.com" }));
    expect(second.payloadJson).not.toBe(first.payloadJson);
    const signed = second.flavourDetails.case === "signed" ? second.flavourDetails.value : undefined;
    // Our row's email, not the retry's.
    expect(JSON.parse(signed!.orderDetails)).toMatchObject({ amount: "100.50", customer_email: "asha@example.com" });

    const other = await failure(stack.payloads.createProcessPayload(request("pp4", "key-pp4-c", { amount: { amountMinor: 1n, currency: "INR" } })));
    expect(other.code).toBe(Code.FailedPrecondition);
    expect(errorReason(other)).toBe(ErrorReason.AMOUNT_MISMATCH);

    const otherCustomer = await failure(stack.payloads.createProcessPayload(request("pp4", "key-pp4-d", { customerId: "cust_2" })));
    expect(otherCustomer.code).toBe(Code.AlreadyExists);
    expect(errorReason(otherCustomer)).toBe(ErrorReason.ID_ALREADY_USED);

    const row = await stack.database.database.db.selectFrom("orders").select(["amount_minor", "customer_id"]).where("order_id", "=", "pp4").executeTakeFirstOrThrow();
    expect(row).toEqual({ amount_minor: 10_050n, customer_id: "cust_1" });
    // Refused calls leave no key behind (their transaction rolled back).
    const keys = await stack.database.database.db.selectFrom("idempotency_keys").select("key").where("key", "in", ["key-pp4-c", "key-pp4-d"]).execute();
    expect(keys).toEqual([]);
  });

  it("refuses a paid order: FAILED_PRECONDITION ORDER_NOT_PAYABLE", async () => {
    const res = await stack.payloads.createProcessPayload(request("pp5", "key-pp5-a"));
    expect((await sdkProcess(stack, res.payloadJson)).status).toBe("charged");
    await stack.orders.getOrderStatus({ orderId: "pp5" });
    const err = await failure(stack.payloads.createProcessPayload(request("pp5", "key-pp5-b")));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(errorReason(err)).toBe(ErrorReason.ORDER_NOT_PAYABLE);
  });

  it("never puts the private key in a response or a log line", async () => {
    const body = pemBody(testSigningKey().privateKeyPem);
    const res = await stack.payloads.createProcessPayload(request("pp6", "key-pp6-a"));
    const init = await stack.payloads.createInitiatePayload({ customerId: "cust_1" });
    const everything = JSON.stringify(stack.logs) + JSON.stringify(toJson(CreateProcessPayloadResponseSchema, res)) + JSON.stringify(toJson(CreateInitiatePayloadResponseSchema, init));
    for (let i = 0; i + 40 <= body.length; i += 40) expect(everything.includes(body.slice(i, i + 40))).toBe(false);
    // Nor the customer's email or phone in the logs.
    expect(JSON.stringify(stack.logs)).not.toContain("asha@example.com");
    expect(JSON.stringify(stack.logs)).not.toContain("9876543210");
  });
});

describe("CreateProcessPayload, session flavour", () => {
  it("returns the simulator's sdk_payload unchanged, with the web link and Juspay's order id; the SDK accepts it", async () => {
    const res = await stack.payloads.createProcessPayload(request("ps1", "key-ps1-a", { flavour: ProcessPayloadFlavour.SESSION, amount: { amountMinor: 20_000n, currency: "INR" } }));
    expect(res.flavour).toBe(ProcessPayloadFlavour.SESSION);
    const session = res.flavourDetails.case === "session" ? res.flavourDetails.value : undefined;
    expect(session?.sdkPayloadJson).toBe(res.payloadJson);
    expect(session?.juspayOrderId).toMatch(/^ordeh_/);
    expect(session?.webPaymentUrl).not.toBe("");
    const sdkPayload = JSON.parse(res.payloadJson) as { requestId: string; service: string; payload: Record<string, unknown> };
    expect(sdkPayload.requestId).toBe(res.requestId);
    expect(sdkPayload.payload).toMatchObject({ clientId: "sim_client", orderId: "ps1", customerId: "cust_1" });
    expect(res.expireTime).toBeDefined();

    const row = await stack.database.database.db.selectFrom("orders").select("juspay_order_id").where("order_id", "=", "ps1").executeTakeFirstOrThrow();
    expect(row.juspay_order_id).toBe(session?.juspayOrderId);
    const paid = await sdkProcess(stack, res.payloadJson);
    expect(paid.status).toBe("charged");
  });

  it("releases the key when Juspay refuses the session, so a retry runs afresh", async () => {
    stack.sim.faults.add({ route: "session", fault: { kind: "status", status: 400 }, times: 1 });
    const err = await failure(stack.payloads.createProcessPayload(request("ps2", "key-ps2-a", { flavour: ProcessPayloadFlavour.SESSION })));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(errorReason(err)).toBe(ErrorReason.JUSPAY_REJECTED);
    stack.sim.faults.clear();
    const res = await stack.payloads.createProcessPayload(request("ps2", "key-ps2-a", { flavour: ProcessPayloadFlavour.SESSION }));
    expect(res.flavour).toBe(ProcessPayloadFlavour.SESSION);
  });
});
