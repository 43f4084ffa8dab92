import { toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor, errorDetail, errorReason } from "@payments/client";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { PayloadService, type CreateProcessPayloadRequestSchema } from "@payments/proto/payments/v1/payload_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, type Caller } from "../src/auth/callers.js";
import { callFailure } from "./helpers/call-failure.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Issue 15 finding 5: the customer-scoped caller (the BFF) acting for one
// customer learns nothing about another customer's order through
// CreateProcessPayload (not that it exists, not its amount), and its
// idempotency keys are per customer, so one customer cannot squat another's.

const BFF_TOKEN = "token-of-the-probing-bff-0123456789";
const BFF: Caller = {
  id: "mobile-bff",
  scopes: new Set(["payloads.write", "orders.read", "mandates.read"]),
  tokenSha256: [sha256Hex(BFF_TOKEN)],
  customerScoped: true,
  rateLimit: { perSecond: 100_000, burst: 100_000 },
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false, callers: [BFF] });
});
afterAll(async () => stack?.stop());

function payloadsFor(customer: string) {
  const transport = createGrpcTransport({
    baseUrl: stack.baseUrl,
    interceptors: [
      bearerTokenInterceptor(BFF_TOKEN),
      (next) => (req) => {
        req.header.set("x-customer-id", customer);
        return next(req);
      },
    ],
  });
  return createClient(PayloadService, transport);
}

type Req = MessageInitShape<typeof CreateProcessPayloadRequestSchema>;

function request(customerId: string, orderId: string, key: string, amountMinor: bigint): Req {
  return { idempotencyKey: key, orderId, customerId, amount: { amountMinor, currency: "INR" }, description: "probe test" };
}

/** Everything the caller can see of a refusal. */
async function refusalOf(call: Promise<unknown>) {
  const err = await callFailure(call);
  const detail = errorDetail(err);
  return { code: err.code, message: err.rawMessage, detail: detail === undefined ? undefined : Buffer.from(toBinary(ErrorDetailSchema, detail)).toString("hex") };
}

describe("the BFF acting for customer A, naming customer B's order", () => {
  it("gets the same ALREADY_EXISTS ID_ALREADY_USED for a wrong and for the exact amount, with no amount or owner in it", async () => {
    await payloadsFor("cust_b").createProcessPayload(request("cust_b", "probeB1", "probe-b-key-1", 12_345n));

    const wrongAmount = await refusalOf(payloadsFor("cust_a").createProcessPayload(request("cust_a", "probeB1", "probe-a-key-1", 1n)));
    const exactAmount = await refusalOf(payloadsFor("cust_a").createProcessPayload(request("cust_a", "probeB1", "probe-a-key-2", 12_345n)));
    expect(wrongAmount).toEqual(exactAmount);
    expect(wrongAmount.code).toBe(Code.AlreadyExists);
    const err = await callFailure(payloadsFor("cust_a").createProcessPayload(request("cust_a", "probeB1", "probe-a-key-3", 99n)));
    expect(errorReason(err)).toBe(ErrorReason.ID_ALREADY_USED);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["order_id"]);
    expect(err.rawMessage).not.toMatch(/amount|currency|customer|123\.45|12345/i);

    // B's order is untouched and no key of A's was kept.
    const row = await stack.database.database.db.selectFrom("orders").select(["amount_minor", "customer_id"]).where("order_id", "=", "probeB1").executeTakeFirstOrThrow();
    expect(row).toEqual({ amount_minor: 12_345n, customer_id: "cust_b" });
  });
});

describe("idempotency keys of a customer-scoped caller", () => {
  it("are per customer: A and B using the same key each get their own payload, and each replay answers its own", async () => {
    const key = "shared-app-key-1";
    const a = await payloadsFor("cust_a").createProcessPayload(request("cust_a", "keyA1", key, 1_000n));
    const b = await payloadsFor("cust_b").createProcessPayload(request("cust_b", "keyB1", key, 2_000n));
    expect(b.flavourDetails.case).toBe("signed");
    const orderOf = (res: typeof a) => (res.flavourDetails.case === "signed" ? (JSON.parse(res.flavourDetails.value.orderDetails) as Record<string, string>) : {});
    expect([orderOf(a).order_id, orderOf(a).customer_id]).toEqual(["keyA1", "cust_a"]);
    expect([orderOf(b).order_id, orderOf(b).customer_id]).toEqual(["keyB1", "cust_b"]);

    const replayA = await payloadsFor("cust_a").createProcessPayload(request("cust_a", "keyA1", key, 1_000n));
    expect(replayA.payloadJson).toBe(a.payloadJson);
    const replayB = await payloadsFor("cust_b").createProcessPayload(request("cust_b", "keyB1", key, 2_000n));
    expect(replayB.payloadJson).toBe(b.payloadJson);
  });
});
