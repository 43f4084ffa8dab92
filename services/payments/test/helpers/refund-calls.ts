import { ConnectError } from "@connectrpc/connect";
import { RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import type { RefundRow } from "../../src/db/orders-repository.js";
import { eventually, type Stack } from "./stack.js";

// Small helpers shared by the refund tests: what the simulator saw, our rows,
// settling the simulator's refunds, and errors as values.

/** The distinct unique_request_ids the simulator received in refund POSTs for an order. */
export function simRefundIds(stack: Stack, orderId: string): string[] {
  return stack.sim.counters.snapshot().uniqueRequestIdsPerOrder[orderId] ?? [];
}

/** Refund POSTs (POST /orders/:id/refunds) the simulator received, all orders. */
export function simRefundPosts(stack: Stack): number {
  return stack.sim.counters.snapshot().requests["refund_order"] ?? 0;
}

/** Our refund rows of an order, oldest first. */
export async function refundRows(stack: Stack, orderId: string): Promise<RefundRow[]> {
  return stack.database.database.db.selectFrom("refunds").selectAll().where("order_id", "=", orderId).orderBy("created_at").orderBy("refund_id").execute();
}

/** Moves the simulated clock past the point where every refund created so far is final (5 minutes). */
export function settleSimRefunds(stack: Stack): void {
  stack.sim.clock.advance(5 * 60_000 + 1_000);
}

/** Waits until our row of `refundId` has `status` (the sync job moves it). */
export async function waitForRefundRow(stack: Stack, refundId: string, status: string, timeoutMs = 10_000): Promise<RefundRow> {
  return eventually(
    async () => {
      const row = await stack.database.database.db.selectFrom("refunds").selectAll().where("refund_id", "=", refundId).executeTakeFirst();
      return row?.status === status ? row : undefined;
    },
    timeoutMs,
    `refund ${refundId} to become ${status}`,
  );
}

/** The rejection of `promise` as a ConnectError (fails the test if it resolves). */
export async function rpcError(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

export const STATUS = RefundStatus;
