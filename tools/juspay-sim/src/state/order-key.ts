import type { Order, SimState } from "./model.js";

// Juspay does not tell order ids apart by letter case: "Order ID is not case
// sensitive, it is not differentiated between upper and lower case values"
// (juspay.io/in/docs/upi-plugin-sdk/flutter/miscellaneous/order-id-format).
// Orders are kept under one key for every spelling; the order keeps the
// spelling it was created with, which is what Juspay's answers echo.

/** The key of `orderId` in SimState.orders: the same for ABC1 and abc1. */
export function orderKey(orderId: string): string {
  return orderId.toLowerCase();
}

/** The order with this id in any letter case, without applying due transitions (engine/orders.ts findOrder does). */
export function orderRecord(state: SimState, orderId: string): Order | undefined {
  return state.orders[orderKey(orderId)];
}
