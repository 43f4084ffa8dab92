import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { bearerTokenInterceptor } from "@payments/client";
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "@payments/proto/health/v1/health_pb";
import {
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
} from "@payments/proto/grpc/reflection/v1/reflection_pb";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { MandateService } from "@payments/proto/payments/v1/mandate_service_pb";
import { GetOrderStatusRequestSchema, GetOrderStatusResponseSchema, OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

// The real server on a real socket, called with every protocol and client
// kind our callers use.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

// Every transport calls as the all-scopes test caller.
const auth = () => [bearerTokenInterceptor(t.token)];
const transports: Record<string, () => Transport> = {
  "gRPC (connect-node, HTTP/2)": () => createGrpcTransport({ baseUrl: t.baseUrl, interceptors: auth() }),
  "gRPC-Web over HTTP/1.1": () => createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion: "1.1", interceptors: auth() }),
  "gRPC-Web over HTTP/2": () => createGrpcWebTransport({ baseUrl: t.baseUrl, httpVersion: "2", interceptors: auth() }),
  "Connect JSON over HTTP/1.1": () => createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1", interceptors: auth() }),
  "Connect binary over HTTP/2": () => createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "2", useBinaryFormat: true, interceptors: auth() }),
};

function bearerMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${t.token}`);
  return metadata;
}

function grpcJsUnary<I extends DescMessage, O extends DescMessage>(path: string, input: I, output: O, request: MessageShape<I>) {
  const client = new grpc.Client(t.address, grpc.credentials.createInsecure());
  return new Promise<MessageShape<O>>((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (m: MessageShape<I>) => Buffer.from(toBinary(input, m)),
      (b: Buffer) => fromBinary(output, b),
      request,
      bearerMetadata(),
      { deadline: Date.now() + 5_000 },
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve(res!);
      },
    );
  });
}

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail");
}

describe.each(Object.entries(transports))("over %s", (_name, transport) => {
  it("answers grpc.health.v1.Health/Check with SERVING", async () => {
    const health = createClient(Health, transport());
    expect((await health.check({})).status).toBe(ServingStatus.SERVING);
    expect((await health.check({ service: "payments.v1.OrderService" })).status).toBe(ServingStatus.SERVING);
  });

  it("answers every service: an unknown mandate is NOT_FOUND with an ErrorDetail", async () => {
    const mandates = createClient(MandateService, transport());
    const err = await rejection(mandates.getMandate({ mandateId: "mdt_unknown" }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.rawMessage).toBe("mandate mdt_unknown not found");
    expect(err.findDetails(ErrorDetailSchema)[0]?.reason).toBe(ErrorReason.NOT_FOUND);
  });

  it("rejects a bad request with INVALID_ARGUMENT naming the field, before the handler", async () => {
    const orders = createClient(OrderService, transport());
    const err = await rejection(orders.getOrderStatus({ orderId: "ord 1; drop table" }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain("order_id must match");
    const detail = err.findDetails(ErrorDetailSchema)[0];
    expect(detail?.reason).toBe(ErrorReason.INVALID_FIELD);
    expect(detail?.fieldViolations.map((v) => [v.field, v.rule])).toEqual([["order_id", "pattern"]]);
    expect(err.rawMessage).not.toContain("drop table");
  });

  it("answers a server-streaming RPC with a mapped error (NOT_FOUND for an unknown order)", async () => {
    const orders = createClient(OrderService, transport());
    const err = await rejection(
      (async () => {
        for await (const _ of orders.watchOrder({ orderId: "ord1" })) void _;
      })(),
    );
    expect(err.code).toBe(Code.NotFound);
    expect(err.findDetails(ErrorDetailSchema)[0]?.reason).toBe(ErrorReason.NOT_FOUND);
  });

  it("validates a server-streaming request too", async () => {
    const orders = createClient(OrderService, transport());
    const err = await rejection(
      (async () => {
        for await (const _ of orders.watchOrder({ orderId: "" })) void _;
      })(),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(ErrorDetailSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual(["order_id"]);
  });
});

describe("a plain @grpc/grpc-js client", () => {
  it("gets a health answer", async () => {
    const res = await grpcJsUnary("/grpc.health.v1.Health/Check", HealthCheckRequestSchema, HealthCheckResponseSchema, {
      $typeName: "grpc.health.v1.HealthCheckRequest",
      service: "",
    });
    expect(res.status).toBe(ServingStatus.SERVING);
  });

  it("gets typed NOT_FOUND and INVALID_ARGUMENT errors with the detail in grpc-status-details-bin", async () => {
    const call = (orderId: string) =>
      grpcJsUnary("/payments.v1.OrderService/GetOrderStatus", GetOrderStatusRequestSchema, GetOrderStatusResponseSchema, {
        $typeName: "payments.v1.GetOrderStatusRequest",
        orderId,
      }).then(
        () => {
          throw new Error("expected failure");
        },
        (err: grpc.ServiceError) => err,
      );
    const notFound = await call("ord1");
    expect(notFound.code).toBe(grpc.status.NOT_FOUND);
    expect(notFound.metadata.get("grpc-status-details-bin")).toHaveLength(1);
    const invalid = await call("");
    expect(invalid.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid.details).toContain("order_id is required");
  });
});

describe("server reflection", () => {
  async function reflect(path: string, requests: MessageInitShape<typeof ServerReflectionRequestSchema>[]) {
    const client = new grpc.Client(t.address, grpc.credentials.createInsecure());
    const call = client.makeBidiStreamRequest(
      path,
      (m: MessageShape<typeof ServerReflectionRequestSchema>) => Buffer.from(toBinary(ServerReflectionRequestSchema, m)),
      (b: Buffer) => fromBinary(ServerReflectionResponseSchema, b),
      bearerMetadata(),
    );
    const responses: MessageShape<typeof ServerReflectionResponseSchema>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on("data", (r) => responses.push(r));
      call.on("end", resolve);
      call.on("error", reject);
    });
    for (const r of requests) call.write(create(ServerReflectionRequestSchema, r));
    call.end();
    await done;
    client.close();
    return responses;
  }

  it.each(["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"])(
    "lists the services and serves their descriptors (%s)",
    async (path) => {
      const [list, file, unknown] = await reflect(path, [
        { messageRequest: { case: "listServices", value: "" } },
        { messageRequest: { case: "fileContainingSymbol", value: "payments.v1.OrderService.RefundOrder" } },
        { messageRequest: { case: "fileContainingSymbol", value: "payments.v1.NoSuchThing" } },
      ]);
      expect(list?.messageResponse.case).toBe("listServicesResponse");
      const names = list?.messageResponse.case === "listServicesResponse" ? list.messageResponse.value.service.map((s) => s.name) : [];
      expect(names).toEqual(
        expect.arrayContaining([
          "payments.v1.PayloadService",
          "payments.v1.OrderService",
          "payments.v1.MandateService",
          "payments.v1.WebhookService",
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
        ]),
      );
      expect(file?.messageResponse.case).toBe("fileDescriptorResponse");
      const files =
        file?.messageResponse.case === "fileDescriptorResponse"
          ? file.messageResponse.value.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name)
          : [];
      // The file itself first, then everything it imports.
      expect(files[0]).toBe("payments/v1/order_service.proto");
      expect(files).toEqual(expect.arrayContaining(["payments/v1/money.proto", "payments/v1/field_rules.proto", "google/protobuf/descriptor.proto"]));
      expect(unknown?.messageResponse.case).toBe("errorResponse");
    },
  );
});

describe("limits", () => {
  it("rejects a message over the size limit with RESOURCE_EXHAUSTED and stays healthy", async () => {
    const orders = createClient(OrderService, createGrpcTransport({ baseUrl: t.baseUrl, interceptors: auth() }));
    const err = await rejection(orders.getOrderStatus({ orderId: "x".repeat(300 * 1024) }));
    expect(err.code).toBe(Code.ResourceExhausted);
    const health = createClient(Health, createGrpcTransport({ baseUrl: t.baseUrl }));
    expect((await health.check({})).status).toBe(ServingStatus.SERVING);
  });

  it("answers health for an unknown service with NOT_FOUND", async () => {
    const health = createClient(Health, createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }));
    expect((await rejection(health.check({ service: "nope.v1.Nope" }))).code).toBe(Code.NotFound);
  });
});
