import { Code } from "@connectrpc/connect";
import { errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { StaleReason } from "@payments/proto/payments/v1/order_pb";
import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { insertOrderRow, seedPaidOrder } from "./helpers/orders.js";
import { rpcError, settleSimRefunds } from "./helpers/refund-calls.js";
import { startStack, type Stack } from "./helpers/stack.js";

// GetRefund (refreshed while unsettled, stale when Juspay is down) and
// ListRefunds (oldest first, keyset pages, opaque tokens checked).

let stack: Stack;
beforeAll(async () => {
  // No sync job: these tests watch GetRefund do the refreshing.
  stack = await startStack({ jobs: false });
});
afterEach(() => stack.sim.faults.clear());
afterAll(async () => stack?.stop());

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

describe("GetRefund", () => {
  it("refreshes an unsettled refund from Juspay, by refund id or unique_request_id", async () => {
    await seedPaidOrder(stack, { orderId: "rfq1", amountMinor: 10_000n });
    const created = (await stack.orders.refundOrder({ idempotencyKey: "key-rfq1-a", orderId: "rfq1", amount: inr(1_000n) })).refund!;
    const pending = await stack.orders.getRefund({ selector: { case: "uniqueRequestId", value: created.uniqueRequestId } });
    expect(pending.refund?.status).toBe(RefundStatus.PENDING);
    expect(pending.stale).toBe(false);
    settleSimRefunds(stack);
    const settled = await stack.orders.getRefund({ selector: { case: "refundId", value: created.refundId } });
    expect(settled.refund?.status).toBe(RefundStatus.SUCCESS);
    expect(settled.refund?.sentToGateway).toBe(true);
    expect(settled.refund?.settleTime).toBeDefined();
    // Settled: answered from Postgres, no Juspay read.
    const reads = stack.sim.counters.snapshot().requests["order_status"] ?? 0;
    await stack.orders.getRefund({ selector: { case: "refundId", value: created.refundId } });
    expect(stack.sim.counters.snapshot().requests["order_status"] ?? 0).toBe(reads);
  });

  it("answers the stored PENDING row marked stale when Juspay is down", async () => {
    await seedPaidOrder(stack, { orderId: "rfq2", amountMinor: 10_000n });
    const created = (await stack.orders.refundOrder({ idempotencyKey: "key-rfq2-a", orderId: "rfq2", amount: inr(1_000n) })).refund!;
    stack.sim.faults.add({ route: "order_status", fault: { kind: "status", status: 503 }, times: 10, pathIncludes: "rfq2" });
    const res = await stack.orders.getRefund({ selector: { case: "refundId", value: created.refundId } }, { timeoutMs: 3_000 });
    expect(res.stale).toBe(true);
    expect(res.staleReason).toBe(StaleReason.JUSPAY_UNAVAILABLE);
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
  });

  it("answers NOT_FOUND for an unknown refund and INVALID_ARGUMENT without a selector", async () => {
    const unknown = await rpcError(stack.orders.getRefund({ selector: { case: "refundId", value: "rfd_nosuchrefund" } }));
    expect(unknown.code).toBe(Code.NotFound);
    expect(errorReason(unknown)).toBe(ErrorReason.NOT_FOUND);
    const none = await rpcError(stack.orders.getRefund({}));
    expect(none.code).toBe(Code.InvalidArgument);
  });
});

describe("ListRefunds", () => {
  it("pages an order's refunds oldest first with opaque tokens", async () => {
    await seedPaidOrder(stack, { orderId: "rfq3", amountMinor: 100_000n });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      // Distinct amounts: the simulator refuses the same amount twice within 5 s.
      const res = await stack.orders.refundOrder({ idempotencyKey: `key-rfq3-${i}`, orderId: "rfq3", amount: inr(BigInt(1_000 + i)) });
      ids.push(res.refund!.refundId);
    }
    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = await stack.orders.listRefunds({ orderId: "rfq3", pageSize: 2, pageToken: token });
      expect(page.refunds.length).toBeLessThanOrEqual(2);
      seen.push(...page.refunds.map((r) => r.refundId));
      token = page.nextPageToken;
      pages++;
    } while (token !== "" && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const all = await stack.orders.listRefunds({ orderId: "rfq3" });
    expect(all.refunds.map((r) => r.refundId)).toEqual(ids);
    expect(all.nextPageToken).toBe("");
  });

  it("refuses a token that does not decode or belongs to another order, and an unknown order", async () => {
    await seedPaidOrder(stack, { orderId: "rfq4", amountMinor: 100_000n });
    await insertOrderRow(stack, { orderId: "rfq5", amountMinor: 100n });
    await stack.orders.refundOrder({ idempotencyKey: "key-rfq4-1", orderId: "rfq4", amount: inr(100n) });
    await stack.orders.refundOrder({ idempotencyKey: "key-rfq4-2", orderId: "rfq4", amount: inr(200n) });
    const first = await stack.orders.listRefunds({ orderId: "rfq4", pageSize: 1 });
    expect(first.nextPageToken).not.toBe("");
    for (const [orderId, pageToken] of [["rfq4", "not a token!"], ["rfq4", "e30"], ["rfq5", first.nextPageToken]] as const) {
      const err = await rpcError(stack.orders.listRefunds({ orderId, pageToken }));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(errorReason(err)).toBe(ErrorReason.INVALID_FIELD);
    }
    const unknown = await rpcError(stack.orders.listRefunds({ orderId: "nosuchorder" }));
    expect(unknown.code).toBe(Code.NotFound);
  });
});
