import { durationMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { errorDetail, errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";
import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rpcError } from "./helpers/refund-calls.js";
import { sdkProcess } from "./helpers/sdk.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Issue 15 finding 7: an order's amount must not change while a payload
// signed for its old amount can still be paid. Juspay does not know the order
// before the SDK opens it, so UpdateOrder changes only our row; the customer
// then pays the old payload and Juspay charges the old amount against our new
// one (INTEGRITY_MISMATCH, money taken, order stuck). Session-flavour payloads
// pay Juspay's own order, which UpdateOrder changes first: not held. The
// window is short here (WINDOW_MS instead of 16 minutes) so a test can outlive it.

const WINDOW_MS = 4_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ settings: { signedPayloadWindowMs: WINDOW_MS } });
});
afterAll(async () => stack?.stop());

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

async function signedPayload(orderId: string, amountMinor: bigint, key = `key-${orderId}-payload`) {
  const res = await stack.payloads.createProcessPayload({ idempotencyKey: key, orderId, amount: inr(amountMinor), customerId: "cust_usp", flavour: ProcessPayloadFlavour.SIGNATURE });
  expect(res.flavour).toBe(ProcessPayloadFlavour.SIGNATURE);
  return res;
}

async function rowAmount(orderId: string): Promise<bigint> {
  const row = await stack.database.database.db.selectFrom("orders").select("amount_minor").where("order_id", "=", orderId).executeTakeFirstOrThrow();
  return row.amount_minor;
}

describe("UpdateOrder while a signed payload can still be paid", () => {
  it("refuses the amount change, naming the payload and when it may be retried; the customer pays the payload and the order is CHARGED, not mismatched", async () => {
    const payload = await signedPayload("usp1", 30_000n);
    const updates = stack.sim.counters.snapshot().requests["update_order"] ?? 0;

    const refused = await rpcError(stack.orders.updateOrder({ idempotencyKey: "key-usp1-update", orderId: "usp1", amount: inr(40_000n) }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(errorReason(refused)).toBe(ErrorReason.ORDER_NOT_UPDATABLE);
    expect(refused.rawMessage).toMatch(/^order usp1 has a signed payment payload for its current amount that Juspay may accept until \S+Z: its amount cannot change before then/);
    expect(errorDetail(refused)?.retryable).toBe(true);
    const retryAfterMs = durationMs(errorDetail(refused)!.retryAfter!);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(WINDOW_MS);
    // Nothing changed, here or at Juspay.
    expect(await rowAmount("usp1")).toBe(30_000n);
    expect(stack.sim.counters.snapshot().requests["update_order"] ?? 0).toBe(updates);

    // The red-team's next step: the customer pays the payload already issued.
    expect((await sdkProcess(stack, payload.payloadJson)).status).toBe("charged");
    const status = await stack.orders.getOrderStatus({ orderId: "usp1" });
    expect(status.order?.status).toBe(OrderStatus.CHARGED);
    expect(status.order?.amount?.amountMinor).toBe(30_000n);
    expect(status.order?.refundableAmount?.amountMinor).toBe(30_000n);
  });

  it("lets a session-flavour payload's amount change: Juspay holds that order and is told first, so the customer pays the new amount", async () => {
    const res = await stack.payloads.createProcessPayload({ idempotencyKey: "key-usp3-payload", orderId: "usp3", amount: inr(30_000n), customerId: "cust_usp", flavour: ProcessPayloadFlavour.SESSION });
    const updated = await stack.orders.updateOrder({ idempotencyKey: "key-usp3-update", orderId: "usp3", amount: inr(40_000n) });
    expect(updated.order?.amount?.amountMinor).toBe(40_000n);
    expect((await sdkProcess(stack, res.payloadJson)).status).toBe("charged");
    const status = await stack.orders.getOrderStatus({ orderId: "usp3" });
    expect(status.order?.status).toBe(OrderStatus.CHARGED);
    expect(status.order?.amount?.amountMinor).toBe(40_000n);
  });

  // Last in this file: it moves the simulator's clock past Juspay's window, after which no payload signed now is accepted.
  it("accepts the same change once the payload's window has passed, when Juspay no longer takes the old payload", async () => {
    const payload = await signedPayload("usp2", 30_000n);
    const request = { idempotencyKey: "key-usp2-update", orderId: "usp2", amount: inr(40_000n) };
    const refused = await rpcError(stack.orders.updateOrder(request));
    expect(errorReason(refused)).toBe(ErrorReason.ORDER_NOT_UPDATABLE);
    expect(await rowAmount("usp2")).toBe(30_000n);

    // Both clocks past the window: ours (real time) and Juspay's (the simulator's).
    await new Promise((r) => setTimeout(r, durationMs(errorDetail(refused)!.retryAfter!) + 100));
    stack.sim.clock.advance(16 * 60_000);
    const late = await sdkProcess(stack, payload.payloadJson);
    expect(late.httpStatus).toBe(400);
    expect(late.errorMessage).toMatch(/expired/);

    // Retryable: the same key runs again and now succeeds.
    const updated = await stack.orders.updateOrder(request);
    expect(updated.order?.amount?.amountMinor).toBe(40_000n);
    expect(await rowAmount("usp2")).toBe(40_000n);
    const next = await signedPayload("usp2", 40_000n, "key-usp2-payload2");
    const signed = next.flavourDetails.case === "signed" ? next.flavourDetails.value : undefined;
    expect(JSON.parse(signed!.orderDetails)).toMatchObject({ order_id: "usp2", amount: "400.00" });
  });
});
