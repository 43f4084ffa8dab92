import { ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";
import { OrderStatus, RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { sdkProcess } from "./helpers/sdk.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Issue 17, point 6, over a real socket against the simulator (which reads
// amounts with its own ISO 4217 table): with JPY enabled, every amount the
// service sends or reads goes through @payments/juspay's one currency table.
// Before it, the server client wrote "5.00" for 500 JPY (two decimals
// always) while the signed payload said "500": Juspay held a 5-yen order, a
// 2-yen refund for 200 and the status read back disagreed with our row.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ settings: { currencies: ["INR", "JPY"] } });
});
afterAll(async () => stack?.stop());

const jpy = (amountMinor: bigint) => ({ amountMinor, currency: "JPY" });
const simOrder = (orderId: string) => stack.sim.order(orderId);

describe("a zero-decimal currency end to end", () => {
  it("SESSION flavour: Juspay's order is 500 yen, the SDK pays it and the status read back verifies against our row", async () => {
    const res = await stack.payloads.createProcessPayload({ idempotencyKey: "jpy-key-0001", orderId: "jpys1", amount: jpy(500n), customerId: "cust_jpy", flavour: ProcessPayloadFlavour.SESSION });
    expect(simOrder("jpys1")).toMatchObject({ amountMinor: 500, currency: "JPY" });
    expect(JSON.parse(res.payloadJson).payload).toMatchObject({ amount: "500.0", currency: "JPY" });
    expect((await sdkProcess(stack, res.payloadJson, "success")).status).toBe("charged");
    const status = await stack.orders.getOrderStatus({ orderId: "jpys1" });
    expect(status.order).toMatchObject({ orderId: "jpys1", status: OrderStatus.CHARGED });
    expect(status.order!.amount).toMatchObject(jpy(500n));
  });

  it("SIGNATURE flavour: the signed amount is \"500\" and the simulator creates a 500-yen order", async () => {
    const res = await stack.payloads.createProcessPayload({ idempotencyKey: "jpy-key-0002", orderId: "jpyg1", amount: jpy(500n), customerId: "cust_jpy", flavour: ProcessPayloadFlavour.SIGNATURE });
    const signed = res.flavourDetails.case === "signed" ? res.flavourDetails.value : undefined;
    expect(JSON.parse(signed!.orderDetails)).toMatchObject({ amount: "500", currency: "JPY" });
    expect((await sdkProcess(stack, res.payloadJson, "success")).status).toBe("charged");
    expect(simOrder("jpyg1")).toMatchObject({ amountMinor: 500, currency: "JPY" });
  });

  it("UpdateOrder to 600 JPY makes Juspay's order 600 yen", async () => {
    await insertOrderRow(stack, { orderId: "jpyu1", amountMinor: 500n, currency: "JPY" });
    await createSimOrder(stack, { orderId: "jpyu1", amountMinor: 500n, currency: "JPY", amountText: "500" });
    const res = await stack.orders.updateOrder({ idempotencyKey: "jpy-key-0004", orderId: "jpyu1", amount: jpy(600n) });
    expect(res.order!.amount).toMatchObject(jpy(600n));
    expect(simOrder("jpyu1")).toMatchObject({ amountMinor: 600, currency: "JPY" });
  });

  it("RefundOrder of 200 JPY refunds 200 yen at Juspay", async () => {
    await insertOrderRow(stack, { orderId: "jpyr1", amountMinor: 500n, currency: "JPY" });
    await createSimOrder(stack, { orderId: "jpyr1", amountMinor: 500n, currency: "JPY", amountText: "500" });
    await paySimOrder(stack, "jpyr1");
    const res = await stack.orders.refundOrder({ idempotencyKey: "jpy-key-0003", orderId: "jpyr1", amount: jpy(200n) });
    expect(res.refund).toMatchObject({ status: RefundStatus.PENDING });
    expect(res.refund!.amount).toMatchObject(jpy(200n));
    expect(simOrder("jpyr1")!.refunds.map((r) => r.amountMinor)).toEqual([200]);
  });
});
