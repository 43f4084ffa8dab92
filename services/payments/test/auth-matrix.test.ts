import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor, errorReason } from "@payments/client";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, type Caller } from "../src/auth/callers.js";
import { METHOD_SCOPES, type Scope } from "../src/auth/scopes.js";
import { PAYMENTS_SERVICES } from "../src/rpc/routes.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Who may call what (criterion 39): every method of every payments.v1
// service × every kind of caller. Without a token, or with an unknown one:
// UNAUTHENTICATED. With a token but without the method's scope:
// PERMISSION_DENIED. With the scope: past authentication (an empty request
// then meets validation or a lookup, never an auth error).

function caller(id: string, scopes: Scope[], customerScoped = false): Caller & { token: string } {
  const token = `token-of-${id}-0123456789abcdef`;
  return { id, token, scopes: new Set(scopes), tokenSha256: [sha256Hex(token)], customerScoped, rateLimit: { perSecond: 100_000, burst: 100_000 } };
}

const CALLERS = {
  bff: caller("mobile-bff", ["payloads.write", "orders.read", "mandates.read"], true),
  backend: caller("orders-backend", ["orders.read", "orders.write", "refunds.write", "mandates.read", "mandates.write", "events.read"]),
  bridge: caller("webhook-bridge", ["webhooks.ingest"]),
  ops: caller("ops", ["webhooks.admin", "orders.read"]),
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false, callers: Object.values(CALLERS) });
});
afterAll(async () => stack?.stop());

function as(...interceptors: Interceptor[]) {
  return createGrpcTransport({ baseUrl: stack.baseUrl, interceptors });
}

const withCustomer: Interceptor = (next) => (req) => {
  req.header.set("x-customer-id", "cust_matrix");
  return next(req);
};

/** The code an empty request to `method` gets. */
async function codeOf(service: DescService, method: DescMethod, interceptors: Interceptor[]): Promise<Code | "ok"> {
  const client = createClient(service, as(...interceptors)) as unknown as Record<string, (req: object, opts: object) => unknown>;
  const call = client[method.localName]!;
  try {
    const result = call.call(client, {}, { timeoutMs: 5_000 });
    if (method.methodKind === "server_streaming") {
      for await (const _ of result as AsyncIterable<unknown>) break;
    } else await result;
    return "ok";
  } catch (err) {
    return ConnectError.from(err).code;
  }
}

const methods = PAYMENTS_SERVICES.flatMap((service) => service.methods.map((method) => ({ service, method, name: `${service.typeName}/${method.name}` })));

describe("every payments.v1 method has a scope", () => {
  it("the scope table names exactly the methods the services have", () => {
    expect(Object.keys(METHOD_SCOPES).sort()).toEqual(methods.map((m) => m.name).sort());
  });
});

describe.each(methods)("$name", ({ service, method, name }) => {
  it("without a token, or with an unknown one: UNAUTHENTICATED", async () => {
    expect(await codeOf(service, method, [])).toBe(Code.Unauthenticated);
    expect(await codeOf(service, method, [bearerTokenInterceptor("not-a-known-token-at-all")])).toBe(Code.Unauthenticated);
  });

  it.each(Object.entries(CALLERS))("as %s: allowed exactly with the method's scope", async (_, c) => {
    const interceptors = [bearerTokenInterceptor(c.token), ...(c.customerScoped ? [withCustomer] : [])];
    const code = await codeOf(service, method, interceptors);
    if (c.scopes.has(METHOD_SCOPES[name]!)) {
      expect(code).not.toBe(Code.Unauthenticated);
      expect(code).not.toBe(Code.PermissionDenied);
    } else {
      expect(code).toBe(Code.PermissionDenied);
    }
  });
});

describe("outside the scope table", () => {
  it("health needs no token", async () => {
    const health = createClient(Health, as());
    expect((await health.check({})).status).toBe(ServingStatus.SERVING);
  });

  it("the error names the missing scope, and never the token", async () => {
    const orders = createClient(OrderService, as(bearerTokenInterceptor(CALLERS.bridge.token)));
    const err = ConnectError.from(await orders.refundOrder({}).catch((e: unknown) => e));
    expect(errorReason(err)).toBe(ErrorReason.PERMISSION_DENIED);
    expect(err.rawMessage).toBe("caller webhook-bridge may not call payments.v1.OrderService/RefundOrder (it needs scope refunds.write)");
  });
});
