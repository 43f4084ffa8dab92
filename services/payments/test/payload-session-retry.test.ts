import { Code } from "@connectrpc/connect";
import { errorDetail } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { ProcessPayloadFlavour, type CreateProcessPayloadResponse } from "@payments/proto/payments/v1/payload_service_pb";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkProcess } from "./helpers/sdk.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { callFailure } from "./helpers/call-failure.js";

// Issue 17, point 8: a second SESSION-flavour call for an order. Juspay issues
// one sdk_payload per order (a second /session is DUPLICATE_ORDER_ID): the
// payload we got is kept and answered again while it is valid; when it has
// expired, or Juspay's answer never reached us, the configured fallback
// (PAYLOAD_SESSION_FALLBACK) applies: a signed payload for the same order
// (default), or ALREADY_EXISTS.

const request = (orderId: string, key: string) => ({
  idempotencyKey: key,
  orderId,
  amount: { amountMinor: 10_000n, currency: "INR" },
  customerId: "cust_sr",
  flavour: ProcessPayloadFlavour.SESSION,
});

const sessionCalls = (stack: Stack) => stack.sim.counters.requestsTo("session");
const tokenOf = (res: CreateProcessPayloadResponse) => (JSON.parse(res.payloadJson) as { payload: { clientAuthToken: string } }).payload.clientAuthToken;
const kept = (stack: Stack, orderId: string) => stack.database.database.db.selectFrom("session_payloads").selectAll().where("order_id", "=", orderId).executeTakeFirst();

describe("default: reuse while valid, then a signed payload", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ jobs: false });
  });
  afterAll(async () => stack?.stop());

  it("a new key for an order whose payload we hold gets the same payload, without a second /session; the SDK pays with it", async () => {
    const first = await stack.payloads.createProcessPayload(request("srReuse1", "key-srReuse1-a"));
    expect(first.flavour).toBe(ProcessPayloadFlavour.SESSION);
    const calls = sessionCalls(stack);
    // The caller never saw the first answer (or the customer retries): a new key.
    const second = await stack.payloads.createProcessPayload(request("srReuse1", "key-srReuse1-b"));
    expect(sessionCalls(stack)).toBe(calls);
    expect(second.flavour).toBe(ProcessPayloadFlavour.SESSION);
    expect(second.payloadJson).toBe(first.payloadJson);
    expect(second.flavourDetails).toEqual(first.flavourDetails);
    expect(second.expireTime).toEqual(first.expireTime);
    expect((await sdkProcess(stack, second.payloadJson)).status).toBe("charged");
  });

  it("keeps the payload only until its expiry, and never logs its client auth token", async () => {
    const first = await stack.payloads.createProcessPayload(request("srKeep1", "key-srKeep1-a"));
    const row = await kept(stack, "srKeep1");
    expect(row?.payload_json).toBe(first.payloadJson);
    expect(row?.expires_at.getTime()).toBe(Number(first.expireTime!.seconds) * 1000);
    expect(JSON.stringify(stack.logs)).not.toContain(tokenOf(first));
  });

  it("an expired payload is not answered again: a payload signed for the same order instead, which the SDK pays", async () => {
    const first = await stack.payloads.createProcessPayload(request("srExp1", "key-srExp1-a"));
    // Time passes: the payload's expiry is behind us.
    await stack.database.database.db.updateTable("session_payloads").set({ expires_at: sql<Date>`now() - interval '1 second'` }).where("order_id", "=", "srExp1").execute();
    const calls = sessionCalls(stack);
    const second = await stack.payloads.createProcessPayload(request("srExp1", "key-srExp1-b"));
    expect(sessionCalls(stack)).toBe(calls);
    expect(second.flavour).toBe(ProcessPayloadFlavour.SIGNATURE);
    expect(second.flavourDetails.case).toBe("signed");
    expect(second.payloadJson).not.toContain(tokenOf(first));
    const row = await stack.database.database.db.selectFrom("orders").select("signed_payload_expires_at").where("order_id", "=", "srExp1").executeTakeFirstOrThrow();
    expect(row.signed_payload_expires_at).not.toBeNull();
    expect((await sdkProcess(stack, second.payloadJson)).status).toBe("charged");
  });

  it("Juspay's answer to /session was lost: the retry meets DUPLICATE_ORDER_ID and gets a signed payload for the order Juspay holds", async () => {
    stack.sim.faults.add({ route: "session", fault: { kind: "hang", afterHandler: true } });
    await callFailure(stack.payloads.createProcessPayload(request("srLost1", "key-srLost1-a"), { timeoutMs: 1_500 }));
    expect(stack.sim.order("srLost1")).toBeDefined();
    expect(await kept(stack, "srLost1")).toBeUndefined();
    const calls = sessionCalls(stack);
    const retry = await stack.payloads.createProcessPayload(request("srLost1", "key-srLost1-b"));
    expect(sessionCalls(stack)).toBe(calls + 1);
    expect(retry.flavour).toBe(ProcessPayloadFlavour.SIGNATURE);
    expect((await sdkProcess(stack, retry.payloadJson)).status).toBe("charged");
  });
});

describe("PAYLOAD_SESSION_REUSE=off, PAYLOAD_SESSION_FALLBACK=refuse", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ jobs: false, settings: { sessionReuse: { reuse: false, minValidityMs: 0, fallback: "refuse" } } });
  });
  afterAll(async () => stack?.stop());

  it("keeps nothing, and a second SESSION call for the order is ALREADY_EXISTS ID_ALREADY_USED on order_id", async () => {
    await stack.payloads.createProcessPayload(request("srOff1", "key-srOff1-a"));
    expect(await kept(stack, "srOff1")).toBeUndefined();
    const err = await callFailure(stack.payloads.createProcessPayload(request("srOff1", "key-srOff1-b")));
    expect(err.code).toBe(Code.AlreadyExists);
    expect(errorDetail(err)?.reason).toBe(ErrorReason.ID_ALREADY_USED);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["order_id"]);
    expect(err.rawMessage).toMatch(/already has a Juspay session/);
  });
});
