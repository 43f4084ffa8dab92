import type { ClientHttp2Session } from "node:http2";
import { create, toJsonString, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor } from "@payments/client";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { ErrorDetailSchema } from "@payments/proto/payments/v1/errors_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { message, paymentsServices } from "./helpers/fuzz-messages.js";
import { grpcFrame, openSession, rawConnectCall, rawGrpcCall, type RawOutcome } from "./helpers/raw-rpc.js";
import { startStack, type Stack } from "./helpers/stack.js";

// Criteria 34-36 by fuzzing: every RPC of every payments.v1 service gets
// random bytes and random well-typed messages over real gRPC (HTTP/2) and
// Connect (HTTP/1.1), and a 10 MiB request. Every answer must be a success or
// a clean error with an ErrorDetail: never INTERNAL or UNKNOWN, never a
// dropped connection, no unhandled rejection, and health SERVING afterwards.
// Seeded and bounded: a failure prints its seed and the shrunk case.

const SEED = 20_261_124;
const SERVICES: DescService[] = await paymentsServices();
const METHODS: DescMethod[] = SERVICES.flatMap((s) => s.methods);
const BAD_CODES = new Set([Code.Internal, Code.Unknown, Code.DataLoss]);

let stack: Stack;
let session: ClientHttp2Session;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  stack = await startStack({ jobs: false });
  session = openSession(stack.baseUrl);
});
afterAll(async () => {
  session?.close();
  await stack?.stop();
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
});

const path = (m: DescMethod) => `/${m.parent.typeName}/${m.name}`;

function expectClean(outcome: RawOutcome, method: DescMethod, what: string): void {
  if (outcome.kind === "broken") expect.fail(`${what}: ${outcome.why}`);
  if (outcome.kind === "silent" && method.methodKind === "unary") expect.fail(`${what}: no answer`);
  if (outcome.kind === "silent") return;
  if (outcome.kind === "still-streaming" || outcome.kind === "ok") return;
  expect(BAD_CODES.has(outcome.code), `${what}: code ${Code[outcome.code]} (${outcome.message})`).toBe(false);
  expect(outcome.hasErrorDetail, `${what}: ${Code[outcome.code]} without an ErrorDetail (${outcome.message})`).toBe(true);
}

async function expectServing(): Promise<void> {
  const health = createClient(Health, createGrpcTransport({ baseUrl: stack.baseUrl }));
  expect((await health.check({})).status).toBe(ServingStatus.SERVING);
  expect(unhandled).toEqual([]);
}

it("finds every payments.v1 service and RPC in the generated descriptors", () => {
  expect(SERVICES.map((s) => s.typeName).sort()).toEqual(["payments.v1.MandateService", "payments.v1.OrderService", "payments.v1.PayloadService", "payments.v1.WebhookService"]);
  expect(METHODS.length).toBeGreaterThanOrEqual(23);
});

describe("random bytes (criterion 36)", () => {
  const bytes = fc.uint8Array({ maxLength: 512 });

  it("over gRPC: framed or not, every RPC answers a clean error (300 cases)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), bytes, fc.constantFrom("framed", "raw", "flagged"), async (method, body, framing) => {
        // "flagged": a frame that claims to be compressed, with no grpc-encoding.
        const wire = framing === "raw" ? body : grpcFrame(body, framing === "flagged" ? 1 : 0);
        expectClean(await rawGrpcCall(session, path(method), wire, stack.token), method, `${path(method)} ${framing}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
    await expectServing();
  });

  it("over Connect: binary, JSON and streaming bodies, every RPC answers a clean error (300 cases)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), bytes, fc.boolean(), async (method, body, json) => {
        const streaming = method.methodKind !== "unary";
        const type = `application/${streaming ? "connect+" : ""}${json ? "json" : "proto"}`;
        expectClean(await rawConnectCall(stack.baseUrl, path(method), type, body, stack.token), method, `${path(method)} ${type}`);
      }),
      { seed: SEED, numRuns: 300 },
    );
    await expectServing();
  });
});

/** Calls `method` with `request` over `transport`; a server stream is read for a moment, then cancelled. */
async function callWith(transport: Transport, method: DescMethod, request: unknown): Promise<ConnectError | undefined> {
  const client = createClient(method.parent, transport) as unknown as Record<string, (req: unknown, opts: object) => unknown>;
  const call = client[method.localName]!;
  const abort = new AbortController();
  try {
    if (method.methodKind === "unary") await call(request, {});
    else {
      const timer = setTimeout(() => abort.abort(), 300);
      try {
        for await (const _ of call(request, { signal: abort.signal }) as AsyncIterable<unknown>) void _;
      } finally {
        clearTimeout(timer);
      }
    }
    return undefined;
  } catch (err) {
    const error = ConnectError.from(err);
    return abort.signal.aborted && error.code === Code.Canceled ? undefined : error;
  }
}

function expectCleanError(error: ConnectError | undefined, what: string): void {
  if (error === undefined) return;
  expect(BAD_CODES.has(error.code), `${what}: ${Code[error.code]} ${error.rawMessage}`).toBe(false);
  expect(error.findDetails(ErrorDetailSchema).length, `${what}: ${Code[error.code]} without an ErrorDetail (${error.rawMessage})`).toBe(1);
}

describe("random well-typed messages (criteria 34, 35)", () => {
  const RUNS_PER_METHOD = 13;

  it.each([
    ["gRPC", () => stack.transport, false],
    ["Connect JSON over HTTP/1.1", () => createConnectTransport({ baseUrl: stack.baseUrl, httpVersion: "1.1", interceptors: [bearerTokenInterceptor(stack.token)] }), true],
  ] as const)("over %s: hostile strings, extreme numbers, undefined enums and missing fields on every RPC", async (_name, transport, json) => {
    const t = transport();
    let sent = 0;
    const codes = new Set<string>();
    for (const method of METHODS) {
      await fc.assert(
        fc.asyncProperty(message(method.input), async (init) => {
          const request = create(method.input, init);
          if (json) {
            // A value JSON cannot carry (a Timestamp out of range) never leaves the client: nothing to test.
            try {
              toJsonString(method.input, request);
            } catch {
              return;
            }
          }
          sent++;
          const error = await callWith(t, method, request);
          codes.add(error === undefined ? "OK" : Code[error.code]);
          expectCleanError(error, path(method));
        }),
        { seed: SEED, numRuns: RUNS_PER_METHOD },
      );
    }
    // JSON cannot carry every generated value (a Timestamp out of range): most still go.
    expect(sent).toBeGreaterThan(METHODS.length * RUNS_PER_METHOD * (json ? 0.6 : 0.99));
    // Most are refused by validation, but some get past it to the handlers.
    expect([...codes]).toEqual(expect.arrayContaining(["InvalidArgument", "NotFound"]));
    await expectServing();
  });
});

describe("oversized messages (criterion 36)", () => {
  const TEN_MIB = 10 * 1024 * 1024;

  it.each([
    // A client needs more than Node's default 10 MB of HTTP/2 session memory to send 10 MiB at once.
    ["gRPC", () => createGrpcTransport({ baseUrl: stack.baseUrl, nodeOptions: { maxSessionMemory: 64 }, interceptors: [bearerTokenInterceptor(stack.token)] })],
    ["Connect JSON over HTTP/1.1", () => createConnectTransport({ baseUrl: stack.baseUrl, httpVersion: "1.1", interceptors: [bearerTokenInterceptor(stack.token)] })],
  ] as const)("a 10 MiB request over %s is RESOURCE_EXHAUSTED with an ErrorDetail, and the server stays healthy", async (_name, transport) => {
    const orders = createClient(OrderService, transport());
    const error = await orders.getOrderStatus({ orderId: "x".repeat(TEN_MIB) }).then(
      () => expect.fail("expected RESOURCE_EXHAUSTED"),
      (err: unknown) => ConnectError.from(err),
    );
    expect(error.code, error.rawMessage).toBe(Code.ResourceExhausted);
    expect(error.findDetails(ErrorDetailSchema)[0]?.retryable).toBe(false);
    await expectServing();
  });

  it("a raw gRPC frame announcing and carrying 10 MiB is RESOURCE_EXHAUSTED, and the server stays healthy", async () => {
    const outcome = await rawGrpcCall(session, "/payments.v1.OrderService/GetOrderStatus", grpcFrame(new Uint8Array(TEN_MIB).fill(0x0a)), stack.token, 5_000);
    expect(outcome).toMatchObject({ kind: "answered", code: Code.ResourceExhausted, hasErrorDetail: true });
    await expectServing();
  });
});
