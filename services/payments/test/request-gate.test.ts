import { request as http1Request, type IncomingMessage } from "node:http";
import { connect as http2Connect, constants as h2 } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../src/auth/callers.js";
import { createSimOrder, insertOrderRow } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";

// connect's request gate (ADR 0026): a call refused for who is calling, their
// quota or the service's load is answered from its headers alone. Each call
// below announces a 1 MiB body and never sends a byte of it: an answer can
// only come from a server that did not wait for the body (the interceptors,
// which run after the body is read, would leave these calls hanging). Over
// HTTP/1.1 the calls say `connection: close`: on a kept-alive connection
// connect reads (and drops) up to 256 KiB of an unwanted body before
// answering, so that the connection stays usable.

const QUOTA_TOKEN = "gate-test-quota-token-0123456789";
const BODY_BYTES = 1024 * 1024;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    jobs: false,
    metrics: true,
    limits: { unary: 1 },
    callers: [{ id: "one-call", scopes: new Set(["orders.read"]), tokenSha256: [sha256Hex(QUOTA_TOKEN)], customerScoped: false, rateLimit: { perSecond: 0.001, burst: 1 } }],
  });
  await insertOrderRow(stack, { orderId: "gateHeld", amountMinor: 1_000n });
  await createSimOrder(stack, { orderId: "gateHeld", amountMinor: 1_000n });
});
afterAll(async () => stack?.stop());

/** A Connect JSON unary call over HTTP/1.1 whose body never comes: resolves with the answer, or rejects after waitMs. */
function connectWithoutBody(procedure: string, headers: Record<string, string>, waitMs = 10_000): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http1Request(`${stack.baseUrl}/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(BODY_BYTES), connection: "close", ...headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer in ${waitMs} ms: the server waited for the body`));
    }, waitMs);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.flushHeaders(); // the headers go out; the body never does
  });
}

describe("the request gate refuses from the headers, before the body is read", () => {
  it("a call without credentials: UNAUTHENTICATED with its request id, counted in the metrics", async () => {
    const answer = await connectWithoutBody("payments.v1.OrderService/GetOrderStatus", { "x-request-id": "gate-test-1" });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "unauthenticated" });
    expect(answer.headers["x-request-id"]).toBe("gate-test-1");
    const metrics = await (await fetch(stack.metricsUrl!)).text();
    expect(metrics).toContain('payments_rpc_requests_total{method="payments.v1.OrderService/GetOrderStatus",code="UNAUTHENTICATED"} 1');
  });

  it("a caller without the scope: PERMISSION_DENIED", async () => {
    const answer = await connectWithoutBody("payments.v1.OrderService/RefundOrder", { authorization: `Bearer ${QUOTA_TOKEN}` });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "permission_denied" });
  });

  it("a caller over its quota: RESOURCE_EXHAUSTED (RATE_LIMITED)", async () => {
    const first = await fetch(`${stack.baseUrl}/payments.v1.OrderService/GetOrderStatus`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${QUOTA_TOKEN}` },
      body: JSON.stringify({ orderId: "gateNone" }),
    });
    expect(await first.json()).toMatchObject({ code: "not_found" }); // the one call its quota allows got through
    const answer = await connectWithoutBody("payments.v1.OrderService/GetOrderStatus", { authorization: `Bearer ${QUOTA_TOKEN}` });
    expect(answer.status).toBe(429);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "resource_exhausted", message: "caller one-call is over its quota: retry later" });
  });

  it("over gRPC (HTTP/2): a stream with headers and no DATA frame is answered UNAUTHENTICATED", async () => {
    expect(await grpcWithoutBody("/payments.v1.OrderService/GetOrderStatus", {})).toEqual({
      grpcStatus: "16",
      message: "missing or unknown credentials: send authorization: Bearer <token> of a configured caller",
    });
  });
  // Last: the call holding the slot goes on waiting on Juspay after its caller gave up.
  it("a full budget: RESOURCE_EXHAUSTED (OVERLOADED), over gRPC too", async () => {
    // The one unary slot is held by a call waiting on Juspay.
    stack.sim.faults.add({ route: "order_status", fault: { kind: "latency", ms: 60_000 }, times: 1 });
    const held = stack.orders.getOrderStatus({ orderId: "gateHeld" }, { timeoutMs: 3_000 }).catch(() => undefined);
    let answer: Awaited<ReturnType<typeof connectWithoutBody>> | undefined;
    for (let i = 0; i < 100 && answer?.status !== 429; i++) {
      answer = await connectWithoutBody("payments.v1.OrderService/GetOrderStatus", { authorization: `Bearer ${stack.token}` }, 2_000).catch(() => undefined);
    }
    expect(answer?.status).toBe(429);
    expect(JSON.parse(answer!.body)).toMatchObject({ code: "resource_exhausted", message: "the service is at capacity: retry with backoff" });

    const status = await grpcWithoutBody("/payments.v1.OrderService/GetOrderStatus", { authorization: `Bearer ${stack.token}` });
    expect(status).toEqual({ grpcStatus: "8", message: "the service is at capacity: retry with backoff" });
    await held;
  });

});

/** A gRPC call whose request message never comes (the stream stays open from our side): the status the server answers with. */
function grpcWithoutBody(path: string, headers: Record<string, string>, waitMs = 10_000): Promise<{ grpcStatus: string | undefined; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(stack.baseUrl);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no answer in ${waitMs} ms: the server waited for the request message`));
    }, waitMs);
    const stream = session.request({ [h2.HTTP2_HEADER_METHOD]: "POST", [h2.HTTP2_HEADER_PATH]: path, "content-type": "application/grpc", te: "trailers", ...headers }, { endStream: false });
    const statusOf = (fields: Record<string, unknown>) => {
      if (fields["grpc-status"] === undefined) return;
      clearTimeout(timer);
      session.destroy();
      resolve({ grpcStatus: String(fields["grpc-status"]), message: fields["grpc-message"] === undefined ? undefined : decodeURIComponent(String(fields["grpc-message"])) });
    };
    stream.on("response", statusOf); // trailers-only answer
    stream.on("trailers", statusOf);
    stream.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
