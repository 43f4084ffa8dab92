import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MandateCommandResult, type Mandate } from "@payments/proto/payments/v1/mandate_pb";
import { MandateStatus, NotificationStatus, OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JuspayApi } from "../src/app/ports.js";
import { inr, notify, waitForProcessedWebhook, webhooksSettled } from "./helpers/mandate-debit-calls.js";
import { registerMandate } from "./helpers/mandates.js";
import { seedPaidOrder } from "./helpers/orders.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// Issue 17, point 7: Juspay says it is "crucial that you use the same
// x-routing-id for all requests tied to the same customer". Every call the
// service makes for a customer (RPCs, jobs, and the webhook-triggered reads)
// carries that customer's id; the simulator counts Juspay API requests that
// come without one (withoutRoutingId), and the service's client is wrapped to
// record which value each call carried.

interface RoutedCall {
  operation: string;
  /** The first argument (an order, mandate, notification or customer id, or the params). */
  subject: unknown;
  routingId: string | undefined;
}

const calls: RoutedCall[] = [];

/** The client as the service builds it, recording each call's x-routing-id (the options are always the last argument). */
function recording(real: JuspayApi): JuspayApi {
  const wrap = <T extends object>(group: string, target: T): T =>
    new Proxy(target, {
      get(obj, name, receiver) {
        const value: unknown = Reflect.get(obj, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const options = args.at(-1) as { routingId?: string } | undefined;
          calls.push({ operation: `${group}.${String(name)}`, subject: args[0], routingId: options?.routingId });
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  return {
    orders: wrap("orders", real.orders),
    sessions: wrap("sessions", real.sessions),
    customers: wrap("customers", real.customers),
    mandates: wrap("mandates", real.mandates),
    notifications: wrap("notifications", real.notifications),
    txns: wrap("txns", real.txns),
  };
}

let stack: Stack;
beforeAll(async () => {
  // Webhooks go through the bridge as in production, so MANDATE_*, NOTIFICATION_* and ORDER_* events make the service read Juspay.
  stack = await startStack({ webhooks: true, wrapJuspay: recording });
});
afterAll(async () => stack?.stop());

const CUSTOMER = "cust_routing_1";
const simAuth = () => `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`;

async function activeMandate(orderId: string): Promise<Mandate> {
  const registered = await registerMandate(stack, { orderId, customerId: CUSTOMER });
  expect(registered.sdkStatus).toBe("charged");
  return eventually(async () => {
    const res = await stack.mandates.getMandateOrderStatus({ orderId });
    return res.mandate?.status === MandateStatus.ACTIVE ? res.mandate : undefined;
  });
}

describe("x-routing-id", () => {
  it("is on every call of a customer's mandate life, webhook-triggered check_status and notification reads included, and is the customer's id", async () => {
    stack.sim.counters.reset();
    calls.length = 0;
    const mandate = await activeMandate("rtg1");
    await waitForProcessedWebhook(stack, "MANDATE_ACTIVATED", mandate.mandateId);

    const notificationId = "rtg1n";
    expect((await notify(stack, mandate.mandateId, notificationId, 2_000n)).notification?.notificationId).toBe(notificationId);
    const debit = await stack.mandates.executeMandate({ idempotencyKey: "rtg-debit-1", mandateId: mandate.mandateId, orderId: "rtg1d", amount: inr(2_000n), notificationId });
    expect(debit.order).toBeDefined();
    stack.sim.clock.advance(2 * 60_000 + 1_000);
    await waitForProcessedWebhook(stack, "NOTIFICATION_SUCCEEDED", notificationId);
    expect((await stack.mandates.getPreDebitNotification({ notificationId })).notification?.status).toBe(NotificationStatus.SUCCESS);
    await eventually(async () => ((await stack.mandates.getMandateExecutionStatus({ orderId: "rtg1d" })).order?.status === OrderStatus.CHARGED ? true : undefined));

    expect((await stack.mandates.pauseMandate({ idempotencyKey: "rtg-pause-1", mandateId: mandate.mandateId })).result).toBe(MandateCommandResult.APPLIED);
    expect((await stack.mandates.resumeMandate({ idempotencyKey: "rtg-resume-1", mandateId: mandate.mandateId })).result).toBe(MandateCommandResult.APPLIED);
    expect((await stack.mandates.revokeMandate({ idempotencyKey: "rtg-revoke-1", mandateId: mandate.mandateId })).result).toBe(MandateCommandResult.APPLIED);
    await waitForProcessedWebhook(stack, "MANDATE_REVOKED", mandate.mandateId);
    expect((await stack.mandates.listMandates({ customerId: CUSTOMER })).mandates.map((m) => m.mandateId)).toContain(mandate.mandateId);
    await webhooksSettled(stack);

    // The webhook-triggered check_status ran (MANDATE_CREATED, _ACTIVATED, _PAUSED, _REVOKED…), and so did the notification read.
    const checks = calls.filter((c) => c.operation === "mandates.checkStatus");
    expect(checks.length).toBeGreaterThan(0);
    expect(calls.some((c) => c.operation === "notifications.status")).toBe(true);
    expect(calls.filter((c) => c.routingId !== CUSTOMER)).toEqual([]);
    expect(stack.sim.counters.snapshot().withoutRoutingId).toEqual({});
  });

  it("a mandate registered outside the service is read under its own id until Juspay says whose it is; then its calls carry the customer's", async () => {
    const outsider = "cust_routing_outside";
    const orderId = "rtgout1";
    const headers = { authorization: simAuth(), "content-type": "application/x-www-form-urlencoded", "x-routing-id": outsider };
    // Registered from Juspay's dashboard (or another system): the service hears of it only through webhooks.
    expect((await fetch(`${stack.sim.url}/customers`, { method: "POST", headers, body: new URLSearchParams({ object_reference_id: outsider, mobile_number: "9876543210" }) })).status).toBe(200);
    const created = await fetch(`${stack.sim.url}/orders`, {
      method: "POST",
      headers,
      body: new URLSearchParams({ order_id: orderId, amount: "1.00", customer_id: outsider, "options.create_mandate": "REQUIRED", "mandate.max_amount": "1000.00", "mandate.frequency": "ASPRESENTED" }),
    });
    expect(created.status).toBe(200);
    stack.sim.counters.reset();
    calls.length = 0;
    const paid = await fetch(`${stack.sim.url}/__admin/orders/${orderId}/pay`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ outcome: "success", payment_method_type: "UPI", vpa: "success@upi" }) });
    expect(paid.status).toBe(200);
    const mandateId = stack.sim.state.orders[orderId]!.mandateId!;
    await waitForProcessedWebhook(stack, "MANDATE_ACTIVATED", mandateId);
    const adopted = await stack.database.database.db.selectFrom("mandates").select(["customer_id", "status"]).where("mandate_id", "=", mandateId).executeTakeFirst();
    expect(adopted).toEqual({ customer_id: outsider, status: "ACTIVE" });

    expect((await stack.mandates.revokeMandate({ idempotencyKey: "rtg-revoke-out", mandateId })).result).toBe(MandateCommandResult.APPLIED);
    await webhooksSettled(stack);
    const mine = calls.filter((c) => c.subject === mandateId);
    const firstRead = mine.findIndex((c) => c.operation === "mandates.checkStatus");
    expect(mine[firstRead]?.routingId).toBe(mandateId);
    const adoptedAt = mine.findIndex((c) => c.routingId === outsider);
    expect(adoptedAt).toBeGreaterThan(firstRead);
    expect(mine.slice(adoptedAt).every((c) => c.routingId === outsider)).toBe(true);
    expect(mine.some((c) => c.operation === "mandates.revoke" && c.routingId === outsider)).toBe(true);
    expect(stack.sim.counters.snapshot().withoutRoutingId).toEqual({});
  });
});

describe("x-routing-id over Juspay's JWE /v4 routes (JUSPAY_AUTH=jwe)", () => {
  const dir = mkdtempSync(join(tmpdir(), "routing-jwe-"));
  let jwe: Stack;
  beforeAll(async () => {
    jwe = await startStack({
      jobs: false,
      juspayAuthEnv: (sim) => {
        const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const kid = "key_routing";
        sim.registerJweKey(kid, merchant.publicKey.export({ type: "spki", format: "pem" }).toString());
        const privateKeyFile = join(dir, "merchant.pem");
        const juspayKeyFile = join(dir, "juspay.pem");
        writeFileSync(privateKeyFile, merchant.privateKey.export({ type: "pkcs1", format: "pem" }));
        writeFileSync(juspayKeyFile, sim.jwePublicKeyPem);
        return { JUSPAY_AUTH: "jwe", JUSPAY_JWE_KEY_ID: kid, JUSPAY_JWE_PRIVATE_KEY_FILE: privateKeyFile, JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: juspayKeyFile };
      },
    });
  });
  afterAll(async () => {
    await jwe?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("order status and refunds through /v4 carry the customer's id too", async () => {
    await seedPaidOrder(jwe, { orderId: "rtgjwe1", amountMinor: 10_000n, customerId: "cust_routing_jwe" });
    jwe.sim.counters.reset();
    expect((await jwe.orders.getOrderStatus({ orderId: "rtgjwe1" })).order?.status).toBe(OrderStatus.CHARGED);
    await jwe.orders.refundOrder({ idempotencyKey: "rtg-jwe-refund-1", orderId: "rtgjwe1", amount: inr(2_500n) });
    const seen = jwe.sim.counters.snapshot();
    expect(seen.requests["v4_order_status"]).toBeGreaterThan(0);
    expect(seen.requests["v4_refund_order"]).toBeGreaterThan(0);
    expect(seen.withoutRoutingId).toEqual({});
  });
});
