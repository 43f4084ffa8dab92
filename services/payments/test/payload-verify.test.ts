import { Code, ConnectError } from "@connectrpc/connect";
import { errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { NextAction, SdkProcessStatus } from "@payments/proto/payments/v1/payload_service_pb";
import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { sdkProcess } from "./helpers/sdk.js";
import { startStack, type Stack } from "./helpers/stack.js";

// VerifySdkResult: the app's report is advisory; the answer is Juspay's order
// status (reference §3.8), with what to show next.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

async function payload(orderId: string, amountMinor: bigint): Promise<string> {
  const res = await stack.payloads.createProcessPayload({
    idempotencyKey: `verify-${orderId}`,
    orderId,
    amount: { amountMinor, currency: "INR" },
    customerId: "cust_v",
  });
  return res.payloadJson;
}

describe("VerifySdkResult", () => {
  it("a payment charged through the SDK: SHOW_SUCCESS, amount verified, no mismatch", async () => {
    expect((await sdkProcess(stack, await payload("vf1", 10_000n))).status).toBe("charged");
    const res = await stack.payloads.verifySdkResult({ orderId: "vf1", reportedStatus: SdkProcessStatus.CHARGED });
    expect(res.order?.status).toBe(OrderStatus.CHARGED);
    expect(res.nextAction).toBe(NextAction.SHOW_SUCCESS);
    expect(res.amountVerified).toBe(true);
    expect(res.reportedStatusMismatch).toBe(false);
    expect(res.stale).toBe(false);
  });

  it("the app claims charged for an unpaid order: the truth (NEW, OFFER_RETRY) wins, flagged, logged and counted", async () => {
    await payload("vf2", 10_000n);
    const before = stack.service.app.alerts.get("sdk_status_mismatch");
    const res = await stack.payloads.verifySdkResult({ orderId: "vf2", reportedStatus: SdkProcessStatus.CHARGED });
    expect(res.order?.status).toBe(OrderStatus.NEW);
    expect(res.nextAction).toBe(NextAction.OFFER_RETRY);
    expect(res.reportedStatusMismatch).toBe(true);
    expect(stack.service.app.alerts.get("sdk_status_mismatch")).toBe(before + 1);
    const line = stack.logs.find((l) => l.orderId === "vf2" && l.reportedStatus === "charged");
    expect(line).toMatchObject({ level: 40, actualStatus: "NEW" });
  });

  it("a failed attempt: OFFER_RETRY, no mismatch when the app said so too", async () => {
    // 500-700 rupees fail in the sandbox.
    expect((await sdkProcess(stack, await payload("vf3", 60_000n))).status).toBe("authorization_failed");
    const res = await stack.payloads.verifySdkResult({ orderId: "vf3", reportedStatus: SdkProcessStatus.AUTHORIZATION_FAILED });
    expect(res.order?.status).toBe(OrderStatus.AUTHORIZATION_FAILED);
    expect(res.nextAction).toBe(NextAction.OFFER_RETRY);
    expect(res.reportedStatusMismatch).toBe(false);
  });

  it("pending (>= ₹700): SHOW_PENDING_AND_WAIT, then SHOW_SUCCESS once the simulator settles it", async () => {
    expect((await sdkProcess(stack, await payload("vf4", 80_000n))).status).toBe("pending_vbv");
    const pending = await stack.payloads.verifySdkResult({ orderId: "vf4", reportedStatus: SdkProcessStatus.PENDING_VBV });
    expect(pending.order?.status).toBe(OrderStatus.PENDING_VBV);
    expect(pending.nextAction).toBe(NextAction.SHOW_PENDING_AND_WAIT);
    stack.sim.clock.advance(2 * 60_000 + 1);
    const settled = await stack.payloads.verifySdkResult({ orderId: "vf4", reportedStatus: SdkProcessStatus.PENDING_VBV });
    expect(settled.order?.status).toBe(OrderStatus.CHARGED);
    expect(settled.nextAction).toBe(NextAction.SHOW_SUCCESS);
  });

  it("an amount that differs at Juspay: INTEGRITY_MISMATCH, never success", async () => {
    await insertOrderRow(stack, { orderId: "vf5", amountMinor: 10_000n });
    await createSimOrder(stack, { orderId: "vf5", amountMinor: 100n });
    await paySimOrder(stack, "vf5");
    const res = await stack.payloads.verifySdkResult({ orderId: "vf5", reportedStatus: SdkProcessStatus.CHARGED });
    expect(res.order?.status).toBe(OrderStatus.INTEGRITY_MISMATCH);
    expect(res.amountVerified).toBe(false);
    expect(res.nextAction).toBe(NextAction.SHOW_PENDING_AND_WAIT);
    expect(res.reportedStatusMismatch).toBe(true);
  });

  it("Juspay unreachable: stale, SHOW_PENDING_AND_WAIT, no mismatch claimed", async () => {
    await payload("vf6", 10_000n);
    stack.sim.faults.add({ route: "order_status", fault: { kind: "status", status: 503 }, times: 10, pathIncludes: "vf6" });
    const res = await stack.payloads.verifySdkResult({ orderId: "vf6", reportedStatus: SdkProcessStatus.CHARGED }, { timeoutMs: 3_000 });
    stack.sim.faults.clear();
    expect(res.stale).toBe(true);
    expect(res.nextAction).toBe(NextAction.SHOW_PENDING_AND_WAIT);
    expect(res.reportedStatusMismatch).toBe(false);
  });

  it("unknown order: NOT_FOUND; UNKNOWN without the raw text: INVALID_ARGUMENT", async () => {
    const missing = await stack.payloads.verifySdkResult({ orderId: "nosuch", reportedStatus: SdkProcessStatus.BACKPRESSED }).catch((e: unknown) => e);
    expect(ConnectError.from(missing).code).toBe(Code.NotFound);
    expect(errorReason(missing)).toBe(ErrorReason.NOT_FOUND);
    const bad = await stack.payloads.verifySdkResult({ orderId: "vf1", reportedStatus: SdkProcessStatus.UNKNOWN }).catch((e: unknown) => e);
    expect(ConnectError.from(bad).code).toBe(Code.InvalidArgument);
  });
});
