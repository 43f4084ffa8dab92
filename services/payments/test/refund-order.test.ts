import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor, errorReason } from "@payments/client";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder, seedPaidOrder } from "./helpers/orders.js";
import { refundRows, rpcError, settleSimRefunds, simRefundIds, simRefundPosts, waitForRefundRow } from "./helpers/refund-calls.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";
import { TEST_CALLER } from "./helpers/test-callers.js";
import { sha256Hex, type Caller } from "../src/auth/callers.js";
import type { RefundRow } from "../src/db/orders-repository.js";

// RefundOrder over gRPC against the simulator: the write-ahead row
// (criterion 20), replays (criterion 2), key reuse (criterion 3), keys
// scoped per caller, replays after the key was pruned (criterion 4), the
// over-refund guard and the other preconditions, Juspay's own refusal, and a
// refund settled by the sync job.

/** A second caller with the scopes RefundOrder needs. */
const OTHER_TOKEN = "test-token-other-refunds-0123456789";
const OTHER_CALLER: Caller = { ...TEST_CALLER, id: "test-other", scopes: new Set(["orders.read", "refunds.write"]), tokenSha256: [sha256Hex(OTHER_TOKEN)] };

let stack: Stack;
beforeAll(async () => {
  // USD is enabled so that "another currency" reaches the order comparison (a currency not enabled is refused earlier, as INVALID_ARGUMENT).
  stack = await startStack({ callers: [OTHER_CALLER], settings: { currencies: ["INR", "USD"] } });
});
afterAll(async () => stack?.stop());

const otherCaller = () => createClient(OrderService, createGrpcTransport({ baseUrl: stack.baseUrl, interceptors: [bearerTokenInterceptor(OTHER_TOKEN)] }));

const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });
const withoutSyncTime = ({ last_synced_at: _, ...rest }: RefundRow) => rest;

describe("RefundOrder", () => {
  it("commits the PENDING row before Juspay sees the POST, then the sync job settles it (criterion 20)", async () => {
    await seedPaidOrder(stack, { orderId: "rfo1", amountMinor: 10_000n });
    // Hold the POST in the simulator before its handler runs, and look at our database meanwhile.
    stack.sim.faults.add({ route: "refund_order", fault: { kind: "latency", ms: 700 }, pathIncludes: "rfo1" });
    const posts = simRefundPosts(stack);
    const call = stack.orders.refundOrder({ idempotencyKey: "key-rfo1-a", orderId: "rfo1", amount: inr(2_500n), reason: "damaged" });
    // The simulator counts the POST on arrival, before the latency and its handler.
    await eventually(async () => (simRefundPosts(stack) === posts + 1 ? true : undefined), 5_000, "the refund POST to reach the simulator");
    expect(simRefundIds(stack, "rfo1")).toEqual([]);
    const rows = await refundRows(stack, "rfo1");
    expect(rows).toHaveLength(1);
    const during = rows[0]!;
    expect(during.status).toBe("PENDING");
    expect(during.unique_request_id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(during.refund_id).toBe(`rfd_${during.unique_request_id}`);

    const res = await call;
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    expect(res.refund?.uniqueRequestId).toBe(during.unique_request_id);
    expect(res.refund?.amount?.amountMinor).toBe(2_500n);
    expect(res.refund?.reason).toBe("damaged");
    expect(simRefundIds(stack, "rfo1")).toEqual([during.unique_request_id]);
    const acked = (await refundRows(stack, "rfo1"))[0];
    expect(acked?.acknowledged).toBe(true);

    settleSimRefunds(stack);
    await waitForRefundRow(stack, during.refund_id, "SUCCESS");
    const got = await stack.orders.getRefund({ selector: { case: "refundId", value: during.refund_id } });
    expect(got.refund?.status).toBe(RefundStatus.SUCCESS);
    expect(got.stale).toBe(false);
    const status = await stack.orders.getOrderStatus({ orderId: "rfo1" });
    expect(status.order?.refundableAmount?.amountMinor).toBe(7_500n);
    expect(simRefundIds(stack, "rfo1")).toHaveLength(1);
  });

  it("answers a replay 10 times identically with no upstream call (criterion 2)", async () => {
    await seedPaidOrder(stack, { orderId: "rfo2", amountMinor: 10_000n });
    const request = { idempotencyKey: "key-rfo2-a", orderId: "rfo2", amount: inr(1_000n), reason: "" };
    const first = await stack.orders.refundOrder(request);
    const posts = simRefundPosts(stack);
    for (let i = 0; i < 10; i++) {
      const again = await stack.orders.refundOrder(request);
      expect(again).toEqual(first);
    }
    expect(simRefundPosts(stack)).toBe(posts);
    expect(await refundRows(stack, "rfo2")).toHaveLength(1);
  });

  it("refuses the same key with other parameters, with no upstream call and the row unchanged (criterion 3)", async () => {
    await seedPaidOrder(stack, { orderId: "rfo3", amountMinor: 10_000n });
    await seedPaidOrder(stack, { orderId: "rfo3b", amountMinor: 10_000n });
    await stack.orders.refundOrder({ idempotencyKey: "key-rfo3-a", orderId: "rfo3", amount: inr(1_100n) });
    const before = await refundRows(stack, "rfo3");
    const posts = simRefundPosts(stack);
    for (const changed of [
      { idempotencyKey: "key-rfo3-a", orderId: "rfo3", amount: inr(1_200n) },
      { idempotencyKey: "key-rfo3-a", orderId: "rfo3b", amount: inr(1_100n) },
      { idempotencyKey: "key-rfo3-a", orderId: "rfo3", amount: inr(1_100n), reason: "other" },
    ]) {
      const err = await rpcError(stack.orders.refundOrder(changed));
      expect(err.code).toBe(Code.FailedPrecondition);
      expect(errorReason(err)).toBe(ErrorReason.IDEMPOTENCY_KEY_REUSED);
    }
    expect(simRefundPosts(stack)).toBe(posts);
    // The sync job's own reads move last_synced_at; nothing else may change.
    expect((await refundRows(stack, "rfo3")).map(withoutSyncTime)).toEqual(before.map(withoutSyncTime));
    expect(await refundRows(stack, "rfo3b")).toEqual([]);
  });

  it("scopes keys per caller: another caller's identical key is a new refund, not a reuse", async () => {
    await seedPaidOrder(stack, { orderId: "rfo9", amountMinor: 10_000n });
    const first = await stack.orders.refundOrder({ idempotencyKey: "key-rfo9-a", orderId: "rfo9", amount: inr(1_100n) });
    // The same key with another amount: refused for the first caller, a refund of its own for the second.
    const changed = { idempotencyKey: "key-rfo9-a", orderId: "rfo9", amount: inr(1_200n) };
    expect(errorReason(await rpcError(stack.orders.refundOrder(changed)))).toBe(ErrorReason.IDEMPOTENCY_KEY_REUSED);
    const other = await otherCaller().refundOrder(changed);
    expect(other.refund?.status).toBe(RefundStatus.PENDING);
    expect(other.refund?.amount?.amountMinor).toBe(1_200n);
    expect(other.refund?.refundId).not.toBe(first.refund?.refundId);
    expect(other.refund?.uniqueRequestId).not.toBe(first.refund?.uniqueRequestId);
    expect(simRefundIds(stack, "rfo9").sort()).toEqual([first.refund!.uniqueRequestId, other.refund!.uniqueRequestId].sort());
    // Each caller's replay answers its own refund.
    expect((await otherCaller().refundOrder(changed)).refund?.refundId).toBe(other.refund?.refundId);
    expect((await stack.orders.refundOrder({ ...changed, amount: inr(1_100n) })).refund?.refundId).toBe(first.refund?.refundId);
  });

  it("never refunds twice for a key whose idempotency record was pruned (criterion 4)", async () => {
    await seedPaidOrder(stack, { orderId: "rfo4", amountMinor: 10_000n });
    const request = { idempotencyKey: "key-rfo4-a", orderId: "rfo4", amount: inr(1_300n) };
    const first = await stack.orders.refundOrder(request);
    await stack.database.database.db.deleteFrom("idempotency_keys").where("key", "=", "key-rfo4-a").execute();
    const posts = simRefundPosts(stack);
    const again = await stack.orders.refundOrder(request);
    expect(again.refund?.refundId).toBe(first.refund?.refundId);
    expect(simRefundPosts(stack)).toBe(posts);
    await stack.database.database.db.deleteFrom("idempotency_keys").where("key", "=", "key-rfo4-a").execute();
    const err = await rpcError(stack.orders.refundOrder({ ...request, amount: inr(1_400n) }));
    expect(errorReason(err)).toBe(ErrorReason.IDEMPOTENCY_KEY_REUSED);
    expect(simRefundPosts(stack)).toBe(posts);
    expect(await refundRows(stack, "rfo4")).toHaveLength(1);
  });

  it("refuses more than the refundable amount with no upstream call and nothing stored", async () => {
    await seedPaidOrder(stack, { orderId: "rfo5", amountMinor: 5_000n });
    await stack.orders.refundOrder({ idempotencyKey: "key-rfo5-a", orderId: "rfo5", amount: inr(3_000n) });
    const posts = simRefundPosts(stack);
    const err = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rfo5-b", orderId: "rfo5", amount: inr(2_001n) }));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(errorReason(err)).toBe(ErrorReason.REFUND_EXCEEDS_REFUNDABLE);
    expect(simRefundPosts(stack)).toBe(posts);
    expect(await refundRows(stack, "rfo5")).toHaveLength(1);
    const key = await stack.database.database.db.selectFrom("idempotency_keys").selectAll().where("key", "=", "key-rfo5-b").executeTakeFirst();
    expect(key).toBeUndefined();
    // The rest is still refundable (a different amount: the simulator refuses the same amount twice within 5 s).
    const rest = await stack.orders.refundOrder({ idempotencyKey: "key-rfo5-c", orderId: "rfo5", amount: inr(2_000n) });
    expect(rest.refund?.status).toBe(RefundStatus.PENDING);
  });

  it("refuses an unpaid order, another currency and an unknown order", async () => {
    await insertOrderRow(stack, { orderId: "rfo6", amountMinor: 5_000n });
    const unpaid = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rfo6-a", orderId: "rfo6", amount: inr(100n) }));
    expect(unpaid.code).toBe(Code.FailedPrecondition);
    expect(errorReason(unpaid)).toBe(ErrorReason.ORDER_NOT_REFUNDABLE);

    await seedPaidOrder(stack, { orderId: "rfo6b", amountMinor: 5_000n });
    const currency = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rfo6-b", orderId: "rfo6b", amount: { amountMinor: 100n, currency: "USD" } }));
    expect(currency.code).toBe(Code.FailedPrecondition);
    expect(errorReason(currency)).toBe(ErrorReason.AMOUNT_MISMATCH);

    const unknown = await rpcError(stack.orders.refundOrder({ idempotencyKey: "key-rfo6-c", orderId: "nosuchorder", amount: inr(100n) }));
    expect(unknown.code).toBe(Code.NotFound);
    expect(simRefundIds(stack, "rfo6")).toEqual([]);
    expect(simRefundIds(stack, "rfo6b")).toEqual([]);
    expect(await refundRows(stack, "rfo6b")).toEqual([]);
  });

  it("refreshes a just-paid order before refunding it", async () => {
    await insertOrderRow(stack, { orderId: "rfo7", amountMinor: 4_000n });
    await createSimOrder(stack, { orderId: "rfo7", amountMinor: 4_000n });
    await paySimOrder(stack, "rfo7");
    const res = await stack.orders.refundOrder({ idempotencyKey: "key-rfo7-a", orderId: "rfo7", amount: inr(4_000n) });
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    expect(simRefundIds(stack, "rfo7")).toHaveLength(1);
  });

  it("records Juspay's refusal as a FAILURE refund, replayed as such, and the amount stays refundable", async () => {
    await seedPaidOrder(stack, { orderId: "rfo8", amountMinor: 5_000n });
    await stack.orders.getOrderStatus({ orderId: "rfo8" }); // CHARGED (terminal): not read from Juspay again
    // A refund made at Juspay without us (dashboard): our row does not know, Juspay refuses ours.
    const res = await fetch(`${stack.sim.url}/orders/rfo8/refunds`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ unique_request_id: "dashboard1", amount: "45.00" }),
    });
    expect(res.ok).toBe(true);
    const request = { idempotencyKey: "key-rfo8-a", orderId: "rfo8", amount: inr(1_000n) };
    const refused = await stack.orders.refundOrder(request);
    expect(refused.refund?.status).toBe(RefundStatus.FAILURE);
    expect(refused.refund?.errorCode).toBe("invalid.amount.exceeded");
    const posts = simRefundPosts(stack);
    expect(await stack.orders.refundOrder(request)).toEqual(refused);
    expect(simRefundPosts(stack)).toBe(posts);
    const rows = await refundRows(stack, "rfo8");
    expect(rows.map((r) => r.status)).toEqual(["FAILURE"]);
  });
});
