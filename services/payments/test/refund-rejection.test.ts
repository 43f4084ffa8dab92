import { JuspayInvalidRequestError } from "@payments/juspay";
import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JuspayApi } from "../src/app/ports.js";
import { seedPaidOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";

// A 400 is only believed after a fresh order status: Juspay may have created
// the refund on an attempt whose answer never arrived and reject the next
// one on the amount. Such a refund must never be marked FAILURE (its amount
// would become refundable again: a double refund).

let stack: Stack;
let answerWith400 = false;
beforeAll(async () => {
  stack = await startStack({
    wrapJuspay: (real: JuspayApi): JuspayApi => ({
      ...real,
      orders: {
        status: (...args) => real.orders.status(...args),
        update: (...args) => real.orders.update(...args),
        async refund(...args) {
          const answer = await real.orders.refund(...args);
          if (!answerWith400) return answer;
          // Juspay applied it, but this answer says no.
          throw new JuspayInvalidRequestError({ operation: "orders.refund", httpStatus: 400, errorCode: "invalid.amount.exceeded", errorMessage: "Refund amount exceeds", outcome: "not_applied" });
        },
      },
    }),
  });
});
afterAll(async () => stack?.stop());

describe("a rejection from Juspay", () => {
  it("is checked against order status: a refund Juspay holds stays PENDING and settles, never FAILURE", async () => {
    await seedPaidOrder(stack, { orderId: "rej1", amountMinor: 10_000n });
    answerWith400 = true;
    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rej1-a", orderId: "rej1", amount: { amountMinor: 1_000n, currency: "INR" } });
    answerWith400 = false;
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    const row = await stack.database.database.db.selectFrom("refunds").select(["status", "acknowledged"]).where("order_id", "=", "rej1").executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "PENDING", acknowledged: true });
  });

  it("fails the refund when a fresh order status does not show it", async () => {
    await seedPaidOrder(stack, { orderId: "rej2", amountMinor: 10_000n });
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "status", status: 400 }, pathIncludes: "rej2" });
    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rej2-a", orderId: "rej2", amount: { amountMinor: 1_000n, currency: "INR" } });
    expect(res.refund?.status).toBe(RefundStatus.FAILURE);
  });
});
