import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrderStatus, RefundStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPaidOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";

// JUSPAY_AUTH=jwe end to end: the service, configured from the environment
// with its key files, reads an order's status and refunds it through the
// simulator's /v4 routes (JWE-encrypted, JWS-signed, over HTTP) in both of
// Juspay's wire forms, and never touches the Basic-auth routes for them.

const KID = "key_0123456789abcdef0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "juspay-jwe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(["parts", "compact"] as const)("JUSPAY_AUTH=jwe, JUSPAY_JWE_WIRE_FORM=%s", (wireForm) => {
  let stack: Stack;
  const requests = (route: string): number => stack.sim.counters.snapshot().requests[route] ?? 0;

  beforeAll(async () => {
    stack = await startStack({
      jobs: false,
      juspayAuthEnv: (sim) => {
        // The dashboard step: the merchant uploads its public key and downloads Juspay's.
        const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
        sim.registerJweKey(KID, merchant.publicKey.export({ type: "spki", format: "pem" }).toString());
        const privateKeyFile = join(dir, `merchant-${wireForm}.pem`);
        const juspayKeyFile = join(dir, `juspay-${wireForm}.pem`);
        // PKCS#1, as Juspay's samples hold the merchant key.
        writeFileSync(privateKeyFile, merchant.privateKey.export({ type: "pkcs1", format: "pem" }));
        writeFileSync(juspayKeyFile, sim.jwePublicKeyPem);
        return {
          JUSPAY_AUTH: "jwe",
          JUSPAY_JWE_KEY_ID: KID,
          JUSPAY_JWE_PRIVATE_KEY_FILE: privateKeyFile,
          JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: juspayKeyFile,
          JUSPAY_JWE_WIRE_FORM: wireForm,
        };
      },
    });
  });
  afterAll(async () => stack?.stop());

  it("GetOrderStatus reads the order through POST /v4/order-status", async () => {
    const orderId = `jwe${wireForm}1`;
    await seedPaidOrder(stack, { orderId, amountMinor: 10_015n });
    const res = await stack.orders.getOrderStatus({ orderId });
    expect(res.order?.status).toBe(OrderStatus.CHARGED);
    expect(res.order?.refundableAmount?.amountMinor).toBe(10_015n);
    expect(requests("v4_order_status")).toBe(1);
    expect(requests("order_status")).toBe(0);
  });

  it("RefundOrder refunds through POST /v4/orders/:id/refunds", async () => {
    const orderId = `jwe${wireForm}2`;
    await seedPaidOrder(stack, { orderId, amountMinor: 10_000n });
    const res = await stack.orders.refundOrder({ idempotencyKey: `key-jwe-${wireForm}-2`, orderId, amount: { amountMinor: 2_500n, currency: "INR" } });
    expect(res.refund?.status).toBe(RefundStatus.PENDING);
    expect(requests("v4_refund_order")).toBe(1);
    expect(requests("refund_order")).toBe(0);
    const refunds = stack.sim.order(orderId)!.refunds;
    expect(refunds.map((r) => r.amountMinor)).toEqual([2_500]);
  });
});
