import { Code } from "@connectrpc/connect";
import { errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderStatus, RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { refundRows, rpcError, settleSimRefunds, simRefundIds, simRefundPosts, waitForRefundRow } from "./helpers/refund-calls.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Issue 15 finding 7: a payment Juspay charged at another amount than our row
// (INTEGRITY_MISMATCH) must be refundable through the API, up to what Juspay
// charged (the amount it reports) and never by our row's amount; the order
// stays flagged for review and the refund protocol (write-ahead row, one
// unique_request_id, sync job) is the usual one.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

async function orderRow(orderId: string) {
  return stack.database.database.db.selectFrom("orders").selectAll().where("order_id", "=", orderId).executeTakeFirstOrThrow();
}

describe("RefundOrder of an INTEGRITY_MISMATCH order", () => {
  it("refunds up to what Juspay charged (less than our row) and no more; the refund settles and the order stays flagged", async () => {
    // The red-team's end state: our row says 400.00, Juspay charged 300.00.
    await insertOrderRow(stack, { orderId: "rmm1", amountMinor: 40_000n });
    await createSimOrder(stack, { orderId: "rmm1", amountMinor: 30_000n });
    await paySimOrder(stack, "rmm1");
    const flagged = await stack.orders.getOrderStatus({ orderId: "rmm1" });
    expect(flagged.order?.status).toBe(OrderStatus.INTEGRITY_MISMATCH);
    expect(flagged.order?.refundableAmount?.amountMinor).toBe(30_000n);

    const posts = simRefundPosts(stack);
    const over = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rmm1-over", orderId: "rmm1", amount: inr(30_001n) }));
    expect(over.code).toBe(Code.FailedPrecondition);
    expect(errorReason(over)).toBe(ErrorReason.REFUND_EXCEEDS_REFUNDABLE);
    expect(over.rawMessage).toContain("(30000 minor units left)");
    expect(simRefundPosts(stack)).toBe(posts);
    expect(await refundRows(stack, "rmm1")).toEqual([]);

    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rmm1-full", orderId: "rmm1", amount: inr(30_000n), reason: "paid the old amount" });
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    expect(res.refund?.amount?.amountMinor).toBe(30_000n);
    expect(simRefundIds(stack, "rmm1")).toEqual([res.refund!.uniqueRequestId]);

    settleSimRefunds(stack);
    await waitForRefundRow(stack, res.refund!.refundId, "SUCCESS");
    const after = await stack.orders.getOrderStatus({ orderId: "rmm1" });
    expect(after.order?.status).toBe(OrderStatus.INTEGRITY_MISMATCH);
    expect(after.order?.amount?.amountMinor).toBe(40_000n);
    expect(after.order?.amountRefunded?.amountMinor).toBe(30_000n);
    expect(after.order?.refundableAmount?.amountMinor).toBe(0n);
    expect(after.order?.refunds.map((r) => r.status)).toEqual([RefundStatus.SUCCESS]);
    const row = await orderRow("rmm1");
    expect(row.charged_amount_minor).toBe(30_000n);
    expect(row.integrity_issue).toBe("amount differ from our order");

    // Our row's 400.00 is never the bound: nothing more goes out.
    const more = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rmm1-more", orderId: "rmm1", amount: inr(100n) }));
    expect(errorReason(more)).toBe(ErrorReason.REFUND_EXCEEDS_REFUNDABLE);
    expect(simRefundIds(stack, "rmm1")).toHaveLength(1);
  });

  it("refreshes an order the old code left flagged with no charge recorded, and refunds what Juspay charged even above our row's amount", async () => {
    // As the code before this fix left it: flagged, Juspay's amount never recorded. Juspay charged 400.00, our row says 300.00.
    await stack.database.database.db
      .insertInto("orders")
      .values({ order_id: "rmm2", amount_minor: 30_000n, currency: "INR", customer_id: "cust1", status: "INTEGRITY_MISMATCH", status_raw: "CHARGED", integrity_issue: "amount differ from our order" })
      .execute();
    await createSimOrder(stack, { orderId: "rmm2", amountMinor: 40_000n });
    await paySimOrder(stack, "rmm2");

    const over = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rmm2-over", orderId: "rmm2", amount: inr(40_001n) }));
    expect(errorReason(over)).toBe(ErrorReason.REFUND_EXCEEDS_REFUNDABLE);
    expect(simRefundIds(stack, "rmm2")).toEqual([]);

    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rmm2-full", orderId: "rmm2", amount: inr(40_000n) });
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    settleSimRefunds(stack);
    await waitForRefundRow(stack, res.refund!.refundId, "SUCCESS");
    const after = await stack.orders.getOrderStatus({ orderId: "rmm2" });
    expect(after.order?.status).toBe(OrderStatus.INTEGRITY_MISMATCH);
    expect(after.order?.amountRefunded?.amountMinor).toBe(40_000n);
    expect(after.order?.refundableAmount?.amountMinor).toBe(0n);
    expect(simRefundIds(stack, "rmm2")).toEqual([res.refund!.uniqueRequestId]);
  });

  it("refuses, naming why, a flagged order Juspay does not report charged", async () => {
    await stack.database.database.db
      .insertInto("orders")
      .values({ order_id: "rmm3", amount_minor: 30_000n, currency: "INR", customer_id: "cust1", status: "INTEGRITY_MISMATCH", status_raw: "AUTHORIZED", integrity_issue: "amount differ from our order" })
      .execute();
    await createSimOrder(stack, { orderId: "rmm3", amountMinor: 40_000n });
    const refused = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rmm3-full", orderId: "rmm3", amount: inr(100n) }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(errorReason(refused)).toBe(ErrorReason.ORDER_NOT_REFUNDABLE);
    expect(refused.rawMessage).toBe("order rmm3 is INTEGRITY_MISMATCH and Juspay does not report a charge in the order's currency, so there is nothing to refund through the API");
    expect(simRefundIds(stack, "rmm3")).toEqual([]);
    expect(await refundRows(stack, "rmm3")).toEqual([]);
  });
});
