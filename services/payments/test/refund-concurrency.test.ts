import { Code, ConnectError } from "@connectrpc/connect";
import { errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPaidOrder } from "./helpers/orders.js";
import { refundRows, simRefundIds, simRefundPosts } from "./helpers/refund-calls.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Concurrent refunds: 50 identical calls make one refund (criterion 1), and
// random sequences of partial refunds, some concurrent, never refund more
// than was paid; the refund that would is refused before Juspay hears of it
// (criterion 6, a fast-check property; on real Postgres when DATABASE_URL is
// set). The sync job is off: what is counted is the RPCs' own doing.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

describe("concurrent refunds", () => {
  it("50 identical concurrent calls: one refund POST, one row, one refund id; the others ABORTED (criterion 1)", async () => {
    await seedPaidOrder(stack, { orderId: "rfc1", amountMinor: 10_000n });
    await stack.orders.getOrderStatus({ orderId: "rfc1" });
    const posts = simRefundPosts(stack);
    const request = { idempotencyKey: "key-rfc1-a", orderId: "rfc1", amount: inr(2_000n), reason: "dup" };
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => stack.orders.refundOrder(request, { timeoutMs: 10_000 })));
    const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = results.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason)] : []));
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.refund?.refundId)).size).toBe(1);
    expect(new Set(ok.map((r) => r.refund?.uniqueRequestId)).size).toBe(1);
    for (const err of failed) {
      expect(err.code).toBe(Code.Aborted);
      expect(errorReason(err)).toBe(ErrorReason.IDEMPOTENCY_KEY_IN_FLIGHT);
    }
    expect(simRefundPosts(stack) - posts).toBe(1);
    expect(simRefundIds(stack, "rfc1")).toEqual([ok[0]?.refund?.uniqueRequestId]);
    expect(await refundRows(stack, "rfc1")).toHaveLength(1);
    // Once settled, a retry of an ABORTED call gets the one refund.
    const after = await stack.orders.refundOrder(request);
    expect(after.refund?.refundId).toBe(ok[0]?.refund?.refundId);
    expect(simRefundPosts(stack) - posts).toBe(1);
  });

  it("random partial refunds, some concurrent, never exceed the paid amount; the excess is refused with no Juspay call (criterion 6)", async () => {
    const PAID = 10_000n;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Distinct amounts: the simulator refuses the same amount under a new id within 5 s.
        fc.uniqueArray(fc.bigInt({ min: 1n, max: 4_000n }), { minLength: 3, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 10, maxLength: 10 }),
        async (amounts, batchSizes) => {
          const orderId = `rfcp${++run}x${Date.now() % 100_000}`;
          await seedPaidOrder(stack, { orderId, amountMinor: PAID });
          await stack.orders.getOrderStatus({ orderId });
          const posts = simRefundPosts(stack);
          let accepted = 0n;
          let okCalls = 0;
          const refused: bigint[] = [];
          let next = 0;
          for (const size of batchSizes) {
            const batch = amounts.slice(next, next + size);
            next += size;
            if (batch.length === 0) break;
            const results = await Promise.allSettled(
              batch.map((amount, i) => stack.orders.refundOrder({ idempotencyKey: `key-${orderId}-${next}-${i}`, orderId, amount: inr(amount) }, { timeoutMs: 10_000 })),
            );
            for (const [i, result] of results.entries()) {
              if (result.status === "fulfilled") {
                okCalls++;
                accepted += result.value.refund?.amount?.amountMinor ?? 0n;
              } else {
                const err = ConnectError.from(result.reason);
                expect(err.code).toBe(Code.FailedPrecondition);
                expect(errorReason(err)).toBe(ErrorReason.REFUND_EXCEEDS_REFUNDABLE);
                refused.push(batch[i] ?? 0n);
              }
            }
          }
          expect(accepted).toBeLessThanOrEqual(PAID);
          const rows = await refundRows(stack, orderId);
          expect(rows).toHaveLength(okCalls);
          expect(rows.reduce((sum, r) => sum + r.amount_minor, 0n)).toBe(accepted);
          // One POST per accepted refund, none for a refused one, and Juspay never refused one.
          expect(simRefundPosts(stack) - posts).toBe(okCalls);
          expect(simRefundIds(stack, orderId)).toHaveLength(okCalls);
          expect(rows.every((r) => r.status === "PENDING" && r.acknowledged)).toBe(true);
          // No false refusal: a refused amount exceeded what was left then, so it exceeds what is left now.
          for (const amount of refused) expect(amount).toBeGreaterThan(PAID - accepted);
        },
      ),
      { numRuns: 6 },
    );
  }, 90_000);
});
