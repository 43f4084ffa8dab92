import { Writable } from "node:stream";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { errorInterceptor, validationInterceptor } from "../src/rpc/interceptors.js";

// The interceptor chain the server runs, around handlers that misbehave.

function chain(impl: Parameters<typeof createRouterTransport>[0]) {
  const lines: string[] = [];
  const logger = createLogger("info", new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
  const transport = createRouterTransport(impl, { router: { interceptors: [errorInterceptor(logger), validationInterceptor()] } });
  return { client: createClient(OrderService, transport), lines };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  return promise.then(
    () => {
      throw new Error("expected failure");
    },
    (err: unknown) => ConnectError.from(err),
  );
}

describe("errorInterceptor", () => {
  it("turns an unexpected exception into INTERNAL without its message, and logs it", async () => {
    const { client, lines } = chain((router) =>
      router.service(OrderService, {
        getOrderStatus() {
          throw new Error("connection to db-primary:5432 password=hunter2 refused");
        },
      }),
    );
    const err = await rejection(client.getOrderStatus({ orderId: "ord1" }));
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).toBe("internal error");
    expect(err.findDetails(ErrorDetailSchema)[0]?.reason).toBe(ErrorReason.INTERNAL);
    expect(lines.join("")).toContain("unhandled error in RPC handler");
  });

  it("adds the default ErrorDetail to a ConnectError thrown without one", async () => {
    const { client } = chain((router) =>
      router.service(OrderService, {
        getOrderStatus() {
          throw new ConnectError("no such order", Code.NotFound);
        },
      }),
    );
    const err = await rejection(client.getOrderStatus({ orderId: "ord1" }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe("no such order");
    expect(err.findDetails(ErrorDetailSchema)[0]?.reason).toBe(ErrorReason.NOT_FOUND);
  });
});

describe("validationInterceptor", () => {
  it("rejects a bad server-streaming request before the handler runs", async () => {
    let called = false;
    const { client } = chain((router) =>
      router.service(OrderService, {
        // eslint-disable-next-line require-yield
        async *watchOrder() {
          called = true;
        },
      }),
    );
    const err = await rejection(
      (async () => {
        for await (const _ of client.watchOrder({ orderId: "" })) void _;
      })(),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(ErrorDetailSchema)[0]?.fieldViolations[0]?.field).toBe("order_id");
    expect(called).toBe(false);
  });
});
