import { type SdkOrder } from "@payments/juspay";
import type { OrderRow } from "../../db/orders-repository.js";
import type { UdfMap } from "../../db/schema.js";

// The order as Juspay's payload builder takes it, from our row (when the
// payload is built) or from the request about to become that row (when the
// builder's checks run before anything is written). One mapping for both, so
// what is checked is exactly what will be built.

export type PayloadOrderFields = Pick<
  OrderRow,
  "order_id" | "amount_minor" | "currency" | "customer_id" | "customer_email" | "customer_phone" | "return_url" | "description" | "udfs"
>;

export function sdkOrderOf(order: PayloadOrderFields): SdkOrder {
  const udfs = udfList(order.udfs ?? {});
  return {
    orderId: order.order_id,
    amountMinor: order.amount_minor,
    currency: order.currency,
    customerId: order.customer_id,
    ...(order.customer_email !== null && { customerEmail: order.customer_email }),
    ...(order.customer_phone !== null && { customerPhone: order.customer_phone }),
    ...(order.return_url !== null && { returnUrl: order.return_url }),
    ...(order.description !== null && { description: order.description }),
    ...(udfs.length > 0 && { udfs }),
  };
}

/** udf1..udf10 as the SDK builder wants them: in order, gaps as "". */
export function udfList(udfs: UdfMap): string[] {
  const list: string[] = [];
  for (let i = 1; i <= 10; i++) list.push(udfs[`udf${i}` as keyof UdfMap] ?? "");
  while (list.length > 0 && list[list.length - 1] === "") list.pop();
  return list;
}

const SDK_FIELD_NAMES: Readonly<Record<string, string>> = {
  "order.orderId": "order_id",
  "order.amountMinor": "amount.amount_minor",
  "order.currency": "amount.currency",
  "mandate.maxAmountMinor": "mandate.max_amount",
  "mandate.startDate": "mandate.start_time",
  "mandate.endDate": "mandate.end_time",
};

/** The CreateProcessPayload request field an SdkPayloadError's field stands for ("order.udfs[2]" → "udfs.udf3"). */
export function requestFieldOf(sdkField: string): string {
  const named = SDK_FIELD_NAMES[sdkField];
  if (named !== undefined) return named;
  const udf = /^order\.udfs\[(\d+)\]$/.exec(sdkField);
  if (udf) return `udfs.udf${Number(udf[1]) + 1}`;
  const snake = sdkField.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return snake.startsWith("order.") ? snake.slice("order.".length) : snake;
}
