import { create, toBinary } from "@bufbuild/protobuf";
import { MoneySchema } from "@payments/proto/payments/v1/money_pb";
import { GetOrderStatusRequestSchema, RefundOrderRequestSchema } from "@payments/proto/payments/v1/order_service_pb";
import { CreateProcessPayloadRequestSchema, ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";

// What a load process sends: a plan it turns into encoded requests before the
// clock starts, so building messages costs the measured run nothing. Plans
// travel as JSON from the benchmark to the load process.

export type RequestPlan =
  /** Reads of orders `${prefix}${n}`, n drawn uniformly from [from, from + count) with a fixed seed. */
  | { kind: "get-order-status"; prefix: string; from: number; count: number }
  /** New signature-flavour payloads: order `${prefix}${i}`, idempotency key from the same i. */
  | { kind: "create-process-payload"; prefix: string; amountMinor: number; customerId: string }
  /** Full refunds of orders `${prefix}${i}` (one refund each), for orders the benchmark charged beforehand. */
  | { kind: "refund-order"; prefix: string; amountMinor: number };

export const METHOD_OF_PLAN: Record<RequestPlan["kind"], string> = {
  "get-order-status": "/payments.v1.OrderService/GetOrderStatus",
  "create-process-payload": "/payments.v1.PayloadService/CreateProcessPayload",
  "refund-order": "/payments.v1.OrderService/RefundOrder",
};

/** mulberry32: a small seeded generator, so two runs read the same orders. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const inr = (amountMinor: number) => create(MoneySchema, { amountMinor: BigInt(amountMinor), currency: "INR" });

/** Request `i` (0-based) of a plan, encoded. */
export function requestEncoder(plan: RequestPlan): (i: number) => Uint8Array {
  switch (plan.kind) {
    case "get-order-status": {
      const random = seededRandom(20261124);
      return () => toBinary(GetOrderStatusRequestSchema, create(GetOrderStatusRequestSchema, { orderId: `${plan.prefix}${plan.from + Math.floor(random() * plan.count)}` }));
    }
    case "create-process-payload":
      return (i) =>
        toBinary(
          CreateProcessPayloadRequestSchema,
          create(CreateProcessPayloadRequestSchema, {
            idempotencyKey: `bench-payload-${plan.prefix}${i}`,
            orderId: `${plan.prefix}${i}`,
            amount: inr(plan.amountMinor),
            customerId: plan.customerId,
            customerEmail: "bench@example.com",
            description: "benchmark order",
            returnUrl: "https://shop.example.com/return",
            flavour: ProcessPayloadFlavour.SIGNATURE,
          }),
        );
    case "refund-order":
      return (i) =>
        toBinary(
          RefundOrderRequestSchema,
          create(RefundOrderRequestSchema, { idempotencyKey: `bench-refund-${plan.prefix}${i}`, orderId: `${plan.prefix}${i}`, amount: inr(plan.amountMinor), reason: "benchmark" }),
        );
  }
}
