import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedPaidOrder } from "./helpers/orders.js";
import { refundRows, settleSimRefunds, simRefundIds, simRefundPosts, waitForRefundRow } from "./helpers/refund-calls.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// RefundOrder when Juspay misbehaves: a reset after Juspay took the refund
// and the retry's duplicate.call (criteria 7, 13), 5xx with an HTML body
// (11), an accepted refund whose answer never comes (12), the caller's
// deadline (17), and Juspay's own FAILURE and MANUAL_REVIEW (8). In every
// case the simulator sees one unique_request_id per refund, the row is never
// failed for an unknown outcome, and the sync job settles it.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => stack.sim.faults.clear());
afterAll(async () => stack?.stop());

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

async function onlyRow(orderId: string) {
  const rows = await refundRows(stack, orderId);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function jobState(refundId: string): Promise<string | undefined> {
  const job = await stack.database.database.db.selectFrom("jobs").select("state").where("unique_key", "=", `refund.sync:${refundId}`).executeTakeFirst();
  return job?.state;
}

describe("RefundOrder under upstream faults", () => {
  it("a reset after Juspay took the refund: the retry's duplicate.call is reconciled from order status, never failed (criteria 7, 13)", async () => {
    await seedPaidOrder(stack, { orderId: "rff1", amountMinor: 10_000n });
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "reset" }, pathIncludes: "rff1" });
    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rff1-a", orderId: "rff1", amount: inr(1_000n) }, { timeoutMs: 5_000 });
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    const row = await onlyRow("rff1");
    expect(simRefundIds(stack, "rff1")).toEqual([row.unique_request_id]);
    // The client's retry (same id) met duplicate.call; order status showed our id.
    expect(stack.logs.some((l) => l.refundId === row.refund_id && String(l.msg).includes("duplicate.call"))).toBe(true);
    expect(row.acknowledged).toBe(true);
    settleSimRefunds(stack);
    const settled = await waitForRefundRow(stack, row.refund_id, "SUCCESS");
    expect(settled.unique_request_id).toBe(row.unique_request_id);
    expect(simRefundIds(stack, "rff1")).toEqual([row.unique_request_id]);
  });

  it("502 with an HTML body on every attempt: OK/PENDING, then the sync job resends the same id (criterion 11)", async () => {
    await seedPaidOrder(stack, { orderId: "rff2", amountMinor: 10_000n });
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "status", status: 502, body: "html" }, times: 3, pathIncludes: "rff2" });
    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rff2-a", orderId: "rff2", amount: inr(1_000n) }, { timeoutMs: 5_000 });
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    const row = await onlyRow("rff2");
    expect(row.status).toBe("PENDING");
    // The sync job finds Juspay without it and sends it again with the same id.
    await eventually(async () => (simRefundIds(stack, "rff2").length === 1 ? true : undefined), 10_000, "the resend");
    expect(simRefundIds(stack, "rff2")).toEqual([row.unique_request_id]);
    await eventually(async () => ((await onlyRow("rff2")).acknowledged ? true : undefined));
    settleSimRefunds(stack);
    await waitForRefundRow(stack, row.refund_id, "SUCCESS");
    expect(simRefundIds(stack, "rff2")).toEqual([row.unique_request_id]);
  });

  it("an accepted refund whose answer never comes: PENDING within the deadline, settled by the sync job (criterion 12)", async () => {
    await seedPaidOrder(stack, { orderId: "rff3", amountMinor: 10_000n });
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "hang", afterHandler: true }, pathIncludes: "rff3" });
    const started = Date.now();
    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rff3-a", orderId: "rff3", amount: inr(1_000n) }, { timeoutMs: 1_500 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    const row = await onlyRow("rff3");
    expect(simRefundIds(stack, "rff3")).toEqual([row.unique_request_id]);
    settleSimRefunds(stack);
    await waitForRefundRow(stack, row.refund_id, "SUCCESS");
    expect(simRefundIds(stack, "rff3")).toEqual([row.unique_request_id]);
  });

  it("ends by the caller's deadline when Juspay is slow, with the PENDING row already stored (criterion 17)", async () => {
    await seedPaidOrder(stack, { orderId: "rff4", amountMinor: 10_000n });
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "latency", ms: 2_000 }, pathIncludes: "rff4" });
    const started = Date.now();
    // The POST gets the deadline less time to record and answer: an unknown outcome, answered OK and PENDING in time.
    const outcome = await stack.orders.refundOrder({ idempotencyKey: "key-rff4-a", orderId: "rff4", amount: inr(1_000n) }, { timeoutMs: 800 });
    expect(Date.now() - started).toBeLessThan(850);
    expect(outcome.refund?.status).toBe(RefundStatus.PENDING);
    const row = await onlyRow("rff4");
    expect(row.status).toBe("PENDING");
    expect(outcome.refund?.refundId).toBe(row.refund_id);
    // The held POST may still land at the simulator, or the sync job sends it: one id either way.
    await eventually(async () => (simRefundIds(stack, "rff4").length === 1 ? true : undefined), 10_000, "the refund at the simulator");
    settleSimRefunds(stack);
    await waitForRefundRow(stack, row.refund_id, "SUCCESS");
    expect(simRefundIds(stack, "rff4")).toEqual([row.unique_request_id]);
  });
});

describe("refunds Juspay fails or sends to manual review (criterion 8)", () => {
  it("FAILURE: the row fails, the key replays FAILURE, a new key may refund again", async () => {
    await seedPaidOrder(stack, { orderId: "rff5", amountMinor: 10_000n });
    const request = { idempotencyKey: "key-rff5-a", orderId: "rff5", amount: inr(1_013n) };
    const first = await stack.orders.refundOrder(request);
    expect(first.refund?.status).toBe(RefundStatus.PENDING);
    settleSimRefunds(stack);
    const failed = await waitForRefundRow(stack, first.refund!.refundId, "FAILURE");
    expect(failed.settled_at).not.toBeNull();
    const posts = simRefundPosts(stack);
    const replay = await stack.orders.refundOrder(request);
    expect(replay.refund?.status).toBe(RefundStatus.FAILURE);
    expect(replay.refund?.refundId).toBe(first.refund?.refundId);
    expect(simRefundPosts(stack)).toBe(posts);
    await eventually(async () => ((await jobState(failed.refund_id)) === "completed" ? true : undefined));

    const retry = await stack.orders.refundOrder({ ...request, idempotencyKey: "key-rff5-b" });
    expect(retry.refund?.refundId).not.toBe(first.refund?.refundId);
    expect(retry.refund?.status).toBe(RefundStatus.PENDING);
    expect(simRefundIds(stack, "rff5").sort()).toEqual([first.refund!.uniqueRequestId, retry.refund!.uniqueRequestId].sort());
  });

  it("MANUAL_REVIEW: the row waits for a human, the alert counts it, nothing is retried", async () => {
    await seedPaidOrder(stack, { orderId: "rff6", amountMinor: 10_000n });
    const alerts = stack.service.app.alerts.get("refund_manual_review");
    const first = await stack.orders.refundOrder({ idempotencyKey: "key-rff6-a", orderId: "rff6", amount: inr(1_017n) });
    settleSimRefunds(stack);
    const row = await waitForRefundRow(stack, first.refund!.refundId, "MANUAL_REVIEW");
    expect(stack.service.app.alerts.get("refund_manual_review")).toBe(alerts + 1);
    expect(stack.logs.some((l) => l.refundId === row.refund_id && String(l.msg).includes("manual review"))).toBe(true);
    await eventually(async () => ((await jobState(row.refund_id)) === "completed" ? true : undefined));
    const posts = simRefundPosts(stack);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(simRefundPosts(stack)).toBe(posts);
    expect((await onlyRow("rff6")).status).toBe("MANUAL_REVIEW");
    expect(stack.service.app.alerts.get("refund_manual_review")).toBe(alerts + 1);
    expect(simRefundIds(stack, "rff6")).toEqual([row.unique_request_id]);
  });
});
