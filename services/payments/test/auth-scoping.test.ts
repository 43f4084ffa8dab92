import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor, errorDetail, errorReason } from "@payments/client";
import { ServerReflection } from "@payments/proto/grpc/reflection/v1/reflection_pb";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { MandateService } from "@payments/proto/payments/v1/mandate_service_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { PayloadService } from "@payments/proto/payments/v1/payload_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, type Caller } from "../src/auth/callers.js";
import type { Scope } from "../src/auth/scopes.js";
import { seedPaidOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { callFailure } from "./helpers/call-failure.js";

// What an authenticated caller sees and how it is counted: a customer-scoped
// caller (the mobile BFF) sees only its customer's objects (another's is
// NOT_FOUND, criterion 39) and creates payloads only for it; idempotency keys
// belong to the caller; each caller has its own quota (criterion 40); tokens
// rotate with two valid at once.

function caller(id: string, scopes: Scope[], options: { customerScoped?: boolean; tokens?: string[]; perSecond?: number; burst?: number } = {}) {
  const tokens = options.tokens ?? [`token-of-${id}-0123456789abcdef`];
  const c: Caller = {
    id,
    scopes: new Set(scopes),
    tokenSha256: tokens.map(sha256Hex),
    customerScoped: options.customerScoped ?? false,
    rateLimit: { perSecond: options.perSecond ?? 100_000, burst: options.burst ?? 100_000 },
  };
  return { caller: c, token: tokens[0]! };
}

const bff = caller("mobile-bff", ["payloads.write", "orders.read", "mandates.read"], { customerScoped: true });
const backendA = caller("billing", ["orders.read", "refunds.write"], { tokens: ["billing-token-old-0123456789", "billing-token-new-0123456789"] });
const backendB = caller("subscriptions", ["orders.read", "refunds.write"]);
const thrifty = caller("thrifty", ["orders.read"], { perSecond: 0.5, burst: 2 });
const operator = caller("operator", ["reflection.read"]);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false, callers: [bff, backendA, backendB, thrifty, operator].map((c) => c.caller) });
  await seedPaidOrder(stack, { orderId: "scopeOwn", amountMinor: 10_000n, customerId: "cust_own" });
  await seedPaidOrder(stack, { orderId: "scopeOther", amountMinor: 10_000n, customerId: "cust_other" });
});
afterAll(async () => stack?.stop());

function transport(token: string, customer?: string) {
  const interceptors: Interceptor[] = [bearerTokenInterceptor(token)];
  if (customer !== undefined) {
    interceptors.push((next) => (req) => {
      req.header.set("x-customer-id", customer);
      return next(req);
    });
  }
  return createGrpcTransport({ baseUrl: stack.baseUrl, interceptors });
}

const failure = callFailure;

describe("a customer-scoped caller (the mobile BFF)", () => {
  const orders = () => createClient(OrderService, transport(bff.token, "cust_own"));

  it("reads its customer's order", async () => {
    expect((await orders().getOrderStatus({ orderId: "scopeOwn" })).order?.customerId).toBe("cust_own");
  });

  it("gets NOT_FOUND for another customer's order, as for one that does not exist, with no Juspay call", async () => {
    const before = stack.sim.counters.snapshot().requests["order_status"] ?? 0;
    const foreign = await failure(orders().getOrderStatus({ orderId: "scopeOther" }));
    const missing = await failure(orders().getOrderStatus({ orderId: "scopeNone" }));
    expect([foreign.code, missing.code]).toEqual([Code.NotFound, Code.NotFound]);
    expect(foreign.rawMessage).toBe("order scopeOther not found");
    expect(stack.sim.counters.snapshot().requests["order_status"] ?? 0).toBe(before);
    expect((await failure(orders().listRefunds({ orderId: "scopeOther" }))).code).toBe(Code.NotFound);
    const watched = createClient(OrderService, transport(bff.token, "cust_own")).watchOrder({ orderId: "scopeOther" });
    expect((await failure((async () => { for await (const _ of watched) break; })())).code).toBe(Code.NotFound);
    const mandates = createClient(MandateService, transport(bff.token, "cust_own"));
    expect((await failure(mandates.getMandateOrderStatus({ orderId: "scopeOther" }))).code).toBe(Code.NotFound);
  });

  it("creates payloads only for its own customer", async () => {
    const payloads = createClient(PayloadService, transport(bff.token, "cust_own"));
    const err = await failure(payloads.createInitiatePayload({ customerId: "cust_other" }));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["customer_id"]);
    expect((await payloads.createInitiatePayload({ customerId: "cust_own" })).payloadJson).not.toBe("");
  });

  it("must name its customer on every call", async () => {
    const err = await failure(createClient(OrderService, transport(bff.token)).getOrderStatus({ orderId: "scopeOwn" }));
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toContain("x-customer-id");
  });
});

describe("idempotency keys belong to the caller", () => {
  it("two callers using the same key make two refunds, each replayed to its own caller", async () => {
    const key = "shared-key-0001";
    const a = createClient(OrderService, transport(backendA.token));
    const b = createClient(OrderService, transport(backendB.token));
    const ra = await a.refundOrder({ idempotencyKey: key, orderId: "scopeOwn", amount: { amountMinor: 1_000n, currency: "INR" } });
    const rb = await b.refundOrder({ idempotencyKey: key, orderId: "scopeOwn", amount: { amountMinor: 1_000n, currency: "INR" } });
    expect(ra.refund?.refundId).not.toBe(rb.refund?.refundId);
    expect(ra.refund?.uniqueRequestId).not.toBe(rb.refund?.uniqueRequestId);
    expect((await a.refundOrder({ idempotencyKey: key, orderId: "scopeOwn", amount: { amountMinor: 1_000n, currency: "INR" } })).refund?.refundId).toBe(ra.refund?.refundId);
  });
});

describe("tokens and quotas", () => {
  it("both tokens of a caller in rotation work, as the same caller", async () => {
    for (const token of ["billing-token-old-0123456789", "billing-token-new-0123456789"]) {
      expect((await createClient(OrderService, transport(token)).getOrderStatus({ orderId: "scopeOwn" })).order?.orderId).toBe("scopeOwn");
    }
  });

  it("a caller over its quota gets RESOURCE_EXHAUSTED (RATE_LIMITED) with retry_after, and other callers are unaffected", async () => {
    const slow = createClient(OrderService, transport(thrifty.token));
    await slow.getOrderStatus({ orderId: "scopeOwn" });
    await slow.getOrderStatus({ orderId: "scopeOwn" });
    const err = await failure(slow.getOrderStatus({ orderId: "scopeOwn" }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(errorReason(err)).toBe(ErrorReason.RATE_LIMITED);
    expect(Number(errorDetail(err)?.retryAfter?.seconds ?? 0) * 1000 + (errorDetail(err)?.retryAfter?.nanos ?? 0) / 1e6).toBeGreaterThan(0);
    expect((await createClient(OrderService, transport(backendB.token)).getOrderStatus({ orderId: "scopeOwn" })).order?.orderId).toBe("scopeOwn");
  });

  it("server reflection needs the reflection.read scope: no token is UNAUTHENTICATED, a token without it PERMISSION_DENIED", async () => {
    const listServices = async (token?: string) => {
      const reflection = createClient(ServerReflection, token === undefined ? createGrpcTransport({ baseUrl: stack.baseUrl }) : transport(token));
      const call = reflection.serverReflectionInfo((async function* () {
        yield { messageRequest: { case: "listServices" as const, value: "" } };
      })());
      for await (const response of call) return response.messageResponse.case;
      return undefined;
    };
    expect((await failure(listServices())).code).toBe(Code.Unauthenticated);
    const denied = await failure(listServices(backendB.token));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toContain("it needs scope reflection.read");
    expect(await listServices(operator.token)).toBe("listServicesResponse");
  });
});
