import { verify } from "node:crypto";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { JuspayEnvironment } from "@payments/proto/payments/v1/payload_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_KEY_ID, startStack, testSigningKey, type Stack } from "./helpers/stack.js";

// CreateInitiatePayload over gRPC: every field filled from configuration, the
// signature verifies and the simulator (playing HyperSDK) accepts it.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false });
});
afterAll(async () => stack?.stop());

describe("CreateInitiatePayload", () => {
  it("fills every field, signs {merchant_id, customer_id, timestamp} and the simulator accepts it", async () => {
    const before = Date.now();
    const res = await stack.payloads.createInitiatePayload({ customerId: "cust_42" });
    expect(res.service).toBe("in.juspay.hyperpay");
    expect(res.action).toBe("initiate");
    expect(res.merchantId).toBe(stack.sim.options.merchantId);
    expect(res.clientId).toBe("sim_client");
    expect(res.environment).toBe(JuspayEnvironment.SANDBOX);
    expect(res.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(res.merchantKeyId).toBe(SIGNING_KEY_ID);

    const signTime = timestampDate(res.signTime!).getTime();
    expect(signTime).toBeGreaterThanOrEqual(before - 1);
    expect(timestampDate(res.expireTime!).getTime() - signTime).toBe(15 * 60_000);
    expect(JSON.parse(res.signaturePayload)).toEqual({ merchant_id: stack.sim.options.merchantId, customer_id: "cust_42", timestamp: String(signTime) });
    expect(res.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(verify("sha256", Buffer.from(res.signaturePayload, "utf8"), testSigningKey().publicKeyPem, Buffer.from(res.signature, "base64"))).toBe(true);

    const payload = JSON.parse(res.payloadJson) as { requestId: string; service: string; payload: Record<string, unknown> };
    expect(payload.requestId).toBe(res.requestId);
    // Juspay's payment-page initiate (issue 17, point 10): the customer is only inside signaturePayload.
    expect(payload.payload).toEqual({
      action: "initiate",
      merchantId: res.merchantId,
      clientId: "sim_client",
      environment: "sandbox",
      signaturePayload: res.signaturePayload,
      signature: res.signature,
      merchantKeyId: SIGNING_KEY_ID,
    });

    const sim = await fetch(`${stack.sim.url}/sdk/initiate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ initiate_payload: res.payloadJson }),
    });
    expect(sim.status).toBe(200);
    expect(((await sim.json()) as { payload: { status: string } }).payload.status).toBe("success");
  });

  it("signs anew on each call (fresh request id) and writes nothing", async () => {
    const a = await stack.payloads.createInitiatePayload({ customerId: "cust_43" });
    const b = await stack.payloads.createInitiatePayload({ customerId: "cust_43" });
    expect(a.requestId).not.toBe(b.requestId);
    const orders = await stack.database.database.db.selectFrom("orders").select("order_id").execute();
    const keys = await stack.database.database.db.selectFrom("idempotency_keys").select("key").execute();
    expect(orders).toEqual([]);
    expect(keys).toEqual([]);
  });
});
