import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./helpers/stack.js";
import { callFailure } from "./helpers/call-failure.js";

// Issue 17, point 2: Juspay does not tell order ids apart by letter case, so
// an order id differing from a stored one only in case is refused as a taken
// id is (ALREADY_EXISTS ID_ALREADY_USED on order_id), before any row or
// Juspay call. Lookups keep the exact spelling.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

const request = (orderId: string, key: string, customerId = "cust_case", flavour = ProcessPayloadFlavour.SIGNATURE) => ({
  idempotencyKey: key,
  orderId,
  amount: { amountMinor: 1_000n, currency: "INR" },
  customerId,
  flavour,
});

const rows = (orderId: string) =>
  stack.database.database.db.selectFrom("orders").select("order_id").where((eb) => eb.fn("lower", ["order_id"]), "=", orderId.toLowerCase()).execute();

describe("CreateProcessPayload with an order id differing from an existing one only in letter case", () => {
  it.each([
    ["the same customer and amount (a retry that changed the case)", "cust_case", ProcessPayloadFlavour.SIGNATURE],
    ["another customer", "cust_other", ProcessPayloadFlavour.SIGNATURE],
    ["the session flavour (Juspay would answer DUPLICATE_ORDER_ID)", "cust_case", ProcessPayloadFlavour.SESSION],
  ])("is ALREADY_EXISTS ID_ALREADY_USED on order_id, no second row, no Juspay call: %s", async (_name, customerId, flavour) => {
    const id = `Case${customerId.length}${flavour}`;
    await stack.payloads.createProcessPayload(request(id, `key-${id}-first`));
    const sessions = stack.sim.counters.requestsTo("session");
    for (const variant of [id.toLowerCase(), id.toUpperCase()]) {
      const err = await callFailure(stack.payloads.createProcessPayload(request(variant, `key-${variant}-x${flavour}`, customerId, flavour)));
      expect(err.code).toBe(Code.AlreadyExists);
      const detail = errorDetail(err);
      expect(detail?.reason).toBe(ErrorReason.ID_ALREADY_USED);
      expect(detail?.fieldViolations.map((v) => [v.field, v.description])).toEqual([["order_id", expect.stringMatching(/differs only in letter case/)]]);
    }
    expect((await rows(id)).map((r) => r.order_id)).toEqual([id]);
    expect(stack.sim.counters.requestsTo("session")).toBe(sessions);
  });

  it("two spellings at once: exactly one order is created, the other call is ALREADY_EXISTS", async () => {
    const results = await Promise.allSettled([
      stack.payloads.createProcessPayload(request("CaseRace1", "key-CaseRace1-upper")),
      stack.payloads.createProcessPayload(request("caserace1", "key-CaseRace1-lower")),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected");
    expect(ConnectError.from(failed?.reason).code).toBe(Code.AlreadyExists);
    expect(await rows("CaseRace1")).toHaveLength(1);
  });

  it("the exact id is still reused for the same order (a new key, the same payment)", async () => {
    await stack.payloads.createProcessPayload(request("CaseSame1", "key-CaseSame1-a"));
    const again = await stack.payloads.createProcessPayload(request("CaseSame1", "key-CaseSame1-b"));
    expect(again.orderId).toBe("CaseSame1");
  });

  it("GetOrderStatus keeps the caller's spelling: another case of an order id is NOT_FOUND", async () => {
    await stack.payloads.createProcessPayload(request("CaseRead1", "key-CaseRead1-a"));
    expect((await stack.orders.getOrderStatus({ orderId: "CaseRead1" })).order?.orderId).toBe("CaseRead1");
    const err = await callFailure(stack.orders.getOrderStatus({ orderId: "caseread1" }));
    expect(err.code).toBe(Code.NotFound);
  });
});
