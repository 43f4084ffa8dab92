import { equals, fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { OrderType } from "@payments/proto/payments/v1/order_pb";
import { GetOrderStatusResponseSchema } from "@payments/proto/payments/v1/order_service_pb";
import type { BenchStack } from "../stack/bench-stack.js";
import { callService } from "../stack/connect-call.js";
import { METHOD_OF_PLAN, requestEncoder } from "../load/request-plans.js";
import { expectedOrder, ORDER_PREFIX } from "./seed-orders.js";

// One seeded order read back through the service before any load: over
// Connect (JSON) to check it reads exactly like a real paid order, and over
// gRPC as raw bytes, the answer the bare servers then send from memory (same
// encoded size as the service's).

const identity = (bytes: Buffer) => bytes;

async function grpcResponseBytes(stack: BenchStack, orderId: string, request: Buffer): Promise<Buffer> {
  const client = new grpc.Client(stack.serviceAddress, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${stack.token}`);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(METHOD_OF_PLAN["get-order-status"], identity, identity, request, metadata, { deadline: Date.now() + 10_000 }, (err, bytes) => {
        if (err !== null || bytes === undefined) reject(new Error(`GetOrderStatus ${orderId} over gRPC failed: ${err?.message ?? "no answer"}`));
        else resolve(bytes);
      });
    });
  } finally {
    client.close();
  }
}

/** Reads seeded order `n`; throws when any field differs from what was seeded. Returns the gRPC answer's bytes. */
export async function readSampleOrder(stack: BenchStack, n: number): Promise<Uint8Array> {
  const expected = expectedOrder(n, stack.simMerchantId);
  const encodedRequest = requestEncoder({ kind: "get-order-status", prefix: ORDER_PREFIX, from: n, count: 1 })(0);
  const json = await callService<JsonValue>(stack, "payments.v1.OrderService/GetOrderStatus", { orderId: expected.orderId });
  const viaConnect = fromJson(GetOrderStatusResponseSchema, json);
  const order = viaConnect.order;
  const mismatches: string[] = [];
  const check = (field: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) mismatches.push(`${field}: ${String(actual)} (expected ${String(wanted)})`);
  };
  check("orderId", order?.orderId, expected.orderId);
  check("status", order?.status, OrderStatus.CHARGED);
  check("statusId", order?.statusId, expected.statusId);
  check("terminal", order?.terminal, true);
  check("orderType", order?.orderType, OrderType.PAYMENT);
  check("amount", order?.amount?.amountMinor, BigInt(expected.amountMinor));
  check("refundableAmount", order?.refundableAmount?.amountMinor, BigInt(expected.amountMinor));
  check("customerId", order?.customerId, expected.customerId);
  check("customerEmail", order?.customerEmail, expected.customerEmail);
  check("customerPhone", order?.customerPhone, expected.customerPhone);
  check("paymentMethodType", order?.paymentMethodType, expected.paymentMethodType);
  check("paymentMethod", order?.paymentMethod, expected.paymentMethod);
  check("txnId", order?.txnId, expected.txnId);
  check("juspayOrderId starts ordeh_", order?.juspayOrderId.startsWith("ordeh_"), true);
  check("lastSyncTime set", order?.lastSyncTime !== undefined, true);
  check("udfs.udf1", order?.udfs?.udf1, "web");
  // Answered from our rows: a terminal order is never refreshed, so never stale.
  check("stale", viaConnect.stale, false);
  if (mismatches.length > 0) throw new Error(`seeded order ${expected.orderId} does not read as seeded: ${mismatches.join("; ")}`);

  const bytes = await grpcResponseBytes(stack, expected.orderId, Buffer.from(encodedRequest));
  if (!equals(GetOrderStatusResponseSchema, fromBinary(GetOrderStatusResponseSchema, bytes), viaConnect)) {
    throw new Error(`GetOrderStatus ${expected.orderId} answers differently over gRPC and over Connect`);
  }
  return bytes;
}
