import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findOrder, refundsOfOrder } from "../../db/orders-repository.js";
import { isTerminalOrder } from "../../domain/order-status.js";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import type { OrderState } from "./apply-order-status.js";
import type { OrderChangeFeed } from "./order-change-feed.js";

// WatchOrder: the order's current state, then each new version (whichever
// replica made it: webhooks, syncs, RPCs), until the order is terminal or
// the caller goes away. The version column is the cursor, so a burst of
// changes is sent as the latest state, never as a stale one.

export async function* watchOrder(ctx: AppContext, feed: OrderChangeFeed, orderId: string, signal: AbortSignal): AsyncGenerator<OrderState> {
  const first = await findOrder(ctx.db, orderId);
  if (first === undefined) throw new AppError("not_found", ErrorReason.NOT_FOUND, `order ${orderId} not found`);
  yield { order: first, refunds: await refundsOfOrder(ctx.db, orderId) };
  if (isTerminalOrder(first)) return;

  let seen = first.version;
  let pending = false;
  let wake: (() => void) | undefined;
  const unsubscribe = feed.subscribe(orderId, () => {
    pending = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    while (!signal.aborted) {
      if (!pending) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      pending = false;
      if (signal.aborted) return;
      const row = await findOrder(ctx.db, orderId);
      if (row === undefined || row.version <= seen) continue;
      seen = row.version;
      yield { order: row, refunds: await refundsOfOrder(ctx.db, orderId) };
      if (isTerminalOrder(row)) return;
    }
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
  }
}
