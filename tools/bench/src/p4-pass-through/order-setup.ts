import type { BenchStack } from "../stack/bench-stack.js";
import { callService } from "../stack/connect-call.js";

// Orders for P4, made the way a customer's payment makes them, before any
// clock starts: CreateProcessPayload through the service (our row, signed
// orderDetails), the simulator plays the mobile SDK with that payload
// (/sdk/process: the order is created at Juspay and paid), then one
// GetOrderStatus so our row holds Juspay's status. Both sides of each
// comparison use orders made this way, so the simulator's work per call is
// the same.
// - "charged": paid by UPI (success@upi): CHARGED here and at Juspay, refundable.
// - "pending": outcome pending_then_success: PENDING_VBV for 2 simulated
//   minutes (the simulator runs at real time, longer than P4), not terminal,
//   so every GetOrderStatus refreshes it from Juspay.

export type OrderKind = "charged" | "pending";

export const ORDER_AMOUNT_MINOR = 10_000;
const CUSTOMER_ID = "bench-p4-customer";
const EXPECTED: Record<OrderKind, { sdk: string; ours: string }> = {
  charged: { sdk: "charged", ours: "ORDER_STATUS_CHARGED" },
  pending: { sdk: "pending_vbv", ours: "ORDER_STATUS_PENDING_VBV" },
};

interface ProcessPayloadResponse {
  payloadJson?: string;
}

interface OrderStatusResponse {
  order?: { status?: string };
}

async function prepareOrder(stack: BenchStack, orderId: string, kind: OrderKind): Promise<void> {
  const processed = await callService<ProcessPayloadResponse>(stack, "payments.v1.PayloadService/CreateProcessPayload", {
    idempotencyKey: `bench-p4-${orderId}`,
    orderId,
    amount: { amountMinor: String(ORDER_AMOUNT_MINOR), currency: "INR" },
    customerId: CUSTOMER_ID,
    customerEmail: "bench@example.com",
    description: "benchmark order",
    returnUrl: "https://shop.example.com/return",
    flavour: "PROCESS_PAYLOAD_FLAVOUR_SIGNATURE",
  });
  const payment = kind === "charged" ? { payment_method_type: "UPI", vpa: "success@upi" } : { payment_method_type: "UPI", outcome: "pending_then_success" };
  const sdk = await fetch(`${stack.simUrl}/sdk/process`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ process_payload: processed.payloadJson, ...payment }),
    signal: AbortSignal.timeout(10_000),
  });
  const result = (await sdk.json()) as { payload?: { status?: string } };
  if (!sdk.ok || result.payload?.status !== EXPECTED[kind].sdk) {
    throw new Error(`the simulated SDK paid ${orderId} as ${sdk.status} ${result.payload?.status ?? "?"}, expected ${EXPECTED[kind].sdk}`);
  }
  const status = await callService<OrderStatusResponse>(stack, "payments.v1.OrderService/GetOrderStatus", { orderId });
  if (status.order?.status !== EXPECTED[kind].ours) throw new Error(`our row of ${orderId} is ${status.order?.status ?? "?"}, expected ${EXPECTED[kind].ours}`);
}

/** Prepares every order id, a few at a time (set-up only: not timed). */
export async function prepareOrders(stack: BenchStack, orderIds: readonly string[], kind: OrderKind, inFlight = 8): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < orderIds.length) await prepareOrder(stack, orderIds[next++]!, kind);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}
