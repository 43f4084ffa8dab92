import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { AppError } from "./errors.js";

// Juspay does not tell order ids apart by letter case ("Order ID is not case
// sensitive", juspay.io/in/docs/upi-plugin-sdk/flutter/miscellaneous/order-id-format),
// so an id that differs from a stored one only in case names that order at
// Juspay. It is refused as a taken id is (ALREADY_EXISTS ID_ALREADY_USED on
// order_id), whoever the other order belongs to: the caller learns only that
// the id is taken, never anything about the other order.

export function orderIdDiffersOnlyInCase(orderId: string): AppError {
  return new AppError("already_exists", ErrorReason.ID_ALREADY_USED, `order_id ${orderId} is already used by another order (Juspay does not tell order ids apart by letter case)`, {
    violations: [{ field: "order_id", rule: "custom", description: "differs only in letter case from an existing order's id, which Juspay treats as the same order: choose a new order_id" }],
  });
}
