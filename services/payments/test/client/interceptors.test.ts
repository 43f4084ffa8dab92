import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { createOnePortServer } from "../../src/transport/one-port-server.js";
import { afterEach, describe, expect, it } from "vitest";
import { createPaymentsClient, isRetryable } from "@payments/client";

// The client's retry and auth interceptors against a scripted server on a
// real socket: each handler fails as told and counts the attempts it saw.

const unavailable = (retryable: boolean) =>
  new ConnectError("try later", Code.Unavailable, undefined, [
    { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { reason: ErrorReason.JUSPAY_UNAVAILABLE, retryable }) },
  ]);

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Serves the routes on a free port, HTTP/1.1 and HTTP/2 like the real service. */
async function scriptedServer(routes: (router: ConnectRouter) => void): Promise<string> {
  const server = createOnePortServer(connectNodeAdapter({ routes }));
  const { port } = await server.listen("127.0.0.1", 0);
  close = () => server.close(0);
  return `http://127.0.0.1:${port}`;
}

const fast = { initialBackoffMs: 5, maxBackoffMs: 20 };

/** A server whose GetOrderStatus always fails UNAVAILABLE; counts the attempts. */
async function alwaysUnavailable(retryable: boolean) {
  const seen = { attempts: 0 };
  const baseUrl = await scriptedServer((r) =>
    r.service(OrderService, {
      getOrderStatus() {
        seen.attempts++;
        throw unavailable(retryable);
      },
    }),
  );
  return { baseUrl, seen };
}

describe("retryInterceptor", () => {
  it("retries a read (NO_SIDE_EFFECTS) on a retryable error until it succeeds", async () => {
    let attempts = 0;
    const baseUrl = await scriptedServer((r) =>
      r.service(OrderService, {
        getOrderStatus() {
          if (++attempts < 3) throw unavailable(true);
          return {};
        },
      }),
    );
    const payments = createPaymentsClient({ baseUrl, transport: "grpc", retry: fast });
    await payments.order.getOrderStatus({ orderId: "ord1" });
    expect(attempts).toBe(3);
  });

  it("retries a write only when it carries an idempotency key", async () => {
    let attempts = 0;
    const baseUrl = await scriptedServer((r) =>
      r.service(OrderService, {
        refundOrder() {
          attempts++;
          throw unavailable(true);
        },
      }),
    );
    const payments = createPaymentsClient({ baseUrl, transport: "connect", retry: { ...fast, maxAttempts: 3 } });
    await expect(payments.order.refundOrder({ orderId: "ord1" })).rejects.toThrow(/try later/);
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(payments.order.refundOrder({ orderId: "ord1", idempotencyKey: "key-00000001" })).rejects.toThrow(/try later/);
    expect(attempts).toBe(3);
  });

  it("does not retry errors the service marks not retryable", async () => {
    const { baseUrl, seen } = await alwaysUnavailable(false);
    const payments = createPaymentsClient({ baseUrl, transport: "grpc", retry: fast });
    const err = await payments.order.getOrderStatus({ orderId: "ord1" }).catch((e: unknown) => e);
    expect(isRetryable(err)).toBe(false);
    expect(seen.attempts).toBe(1);
  });

  it("never retries past the call's deadline", async () => {
    const { baseUrl, seen } = await alwaysUnavailable(true);
    const payments = createPaymentsClient({
      baseUrl,
      transport: "grpc",
      timeoutMs: 300,
      retry: { maxAttempts: 1_000, initialBackoffMs: 50, maxBackoffMs: 50 },
    });
    const started = Date.now();
    const err = await payments.order.getOrderStatus({ orderId: "ord1" }).then(
      () => {
        throw new Error("expected failure");
      },
      (e: unknown) => ConnectError.from(e),
    );
    const elapsed = Date.now() - started;
    expect([Code.Unavailable, Code.DeadlineExceeded]).toContain(err.code);
    expect(elapsed).toBeLessThan(1_000);
    expect(seen.attempts).toBeGreaterThan(1);
    expect(seen.attempts).toBeLessThan(20);
  });

  it("can be switched off", async () => {
    const { baseUrl, seen } = await alwaysUnavailable(true);
    const payments = createPaymentsClient({ baseUrl, transport: "grpc", retry: false });
    await expect(payments.order.getOrderStatus({ orderId: "ord1" })).rejects.toThrow();
    expect(seen.attempts).toBe(1);
  });
});

describe("bearerTokenInterceptor", () => {
  it("sends the token as an Authorization header on every protocol", async () => {
    const seen: (string | null)[] = [];
    const baseUrl = await scriptedServer((r) =>
      r.service(OrderService, {
        getOrderStatus(_req, ctx) {
          seen.push(ctx.requestHeader.get("authorization"));
          return {};
        },
      }),
    );
    for (const transport of ["grpc", "connect"] as const) {
      await createPaymentsClient({ baseUrl, transport, token: "tok_123" }).order.getOrderStatus({ orderId: "ord1" });
    }
    expect(seen).toEqual(["Bearer tok_123", "Bearer tok_123"]);
  });
});
