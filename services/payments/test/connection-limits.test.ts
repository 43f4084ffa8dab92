import http from "node:http";
import type net from "node:net";
import tls from "node:tls";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor } from "@payments/client";
import { OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { WebhookService } from "@payments/proto/payments/v1/webhook_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshOrder } from "../src/app/orders/refresh-order.js";
import type { ConnectionLimits } from "../src/config.js";
import { createOnePortServer, type NodeHandlerFn, type OnePortServer } from "../src/transport/one-port-server.js";
import { createTlsServer } from "../src/transport/tls-server.js";
import { createSimOrder, insertOrderRow, paySimOrder, seedPaidOrder } from "./helpers/orders.js";
import {
  closedWithin,
  connect,
  FLAG,
  FRAME,
  H2_CLIENT_START,
  h2Frame,
  hpackLiterals,
  received,
  receivedFrames,
  trickle,
} from "./helpers/slow-clients.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { createTestPki, type TestPki } from "./helpers/test-certificates.js";

// Finding 3 of issue 15 (ADR 0023): slow, silent and deaf clients on the RPC
// port are closed within the configured bounds, on HTTP/1.1 and HTTP/2, in
// plaintext and over TLS, and a connection cap holds; quiet server streams
// whose peer is alive stay open past every timeout. The timeouts here are a
// few hundred ms; a client still open after BOUND_MS (ten times more) fails.

const LIMITS: ConnectionLimits = { headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 400, keepAliveIntervalMs: 300, maxConnections: 100 };
const BOUND_MS = 5_000;
const HEALTH_CHECK_JSON = "POST /grpc.health.v1.Health/Check HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

const grpcHeaders = (path: string) =>
  hpackLiterals([
    [":method", "POST"],
    [":scheme", "http"],
    [":path", path],
    [":authority", "x"],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
  ]);
/** An empty protobuf message in gRPC framing (not compressed, length 0). */
const EMPTY_GRPC_MESSAGE = Buffer.from([0, 0, 0, 0, 0]);

let stack: Stack;
let port = 0;
beforeAll(async () => {
  stack = await startStack({ jobs: false, connections: LIMITS });
  port = stack.server.address.port;
});
afterAll(async () => stack?.stop());

describe("the plaintext RPC port, HTTP/1.1", () => {
  it("closes a client that connects and sends nothing", async () => {
    const socket = await connect(port);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
  });

  it("answers 408 and closes a client trickling a header line every 100 ms", async () => {
    const socket = await connect(port);
    const answer = received(socket);
    socket.write("POST /grpc.health.v1.Health/Check HTTP/1.1\r\n");
    trickle(socket, () => "x-slow: 1\r\n", 100);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
    expect(answer()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("answers 408 and closes a client trickling its body", async () => {
    const socket = await connect(port);
    const answer = received(socket);
    socket.write("POST /grpc.health.v1.Health/Check HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n");
    trickle(socket, () => " ", 100);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
    expect(answer()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a kept-alive connection left idle after its answer", async () => {
    const socket = await connect(port);
    const answer = received(socket);
    socket.write(HEALTH_CHECK_JSON);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
    expect(answer()).toMatch(/^HTTP\/1\.1 200 [\s\S]*"status":"SERVING"/);
  });
});

describe("the plaintext RPC port, HTTP/2", () => {
  it("closes a client that sends only the preface (and answers pings)", async () => {
    const socket = await connect(port);
    receivedFrames(socket, { answerPings: true });
    socket.write(H2_CLIENT_START);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
  });

  it("closes a client trickling a header block (a CONTINUATION frame every 1.5 s)", async () => {
    const socket = await connect(port);
    receivedFrames(socket, { answerPings: true });
    socket.write(Buffer.concat([H2_CLIENT_START, h2Frame(FRAME.HEADERS, 0, 1, grpcHeaders("/grpc.health.v1.Health/Check"))]));
    // nghttp2 ends a header block after 8 CONTINUATION frames, however slow: at this pace, 12 s.
    trickle(socket, () => h2Frame(FRAME.CONTINUATION, 0, 1, hpackLiterals([["x-slow", "1"]])), 1_500);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
  });

  it("resets a stream whose request never ends, then closes the idle session", async () => {
    const socket = await connect(port);
    const frames = receivedFrames(socket, { answerPings: true });
    socket.write(Buffer.concat([H2_CLIENT_START, h2Frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, grpcHeaders("/grpc.health.v1.Health/Check"))]));
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
    expect(frames()).toContainEqual({ type: FRAME.RST_STREAM, streamId: 1 });
  });

  it("destroys a session whose peer does not answer pings, even with a server stream open", async () => {
    const socket = await connect(port);
    const frames = receivedFrames(socket, { answerPings: false });
    // Health/Watch: a public server stream that stays open; this client never acknowledges a PING.
    socket.write(
      Buffer.concat([
        H2_CLIENT_START,
        h2Frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, grpcHeaders("/grpc.health.v1.Health/Watch")),
        h2Frame(FRAME.DATA, FLAG.END_STREAM, 1, EMPTY_GRPC_MESSAGE),
      ]),
    );
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
    // The stream was answered and open (its status sent, no reset), and the server had pinged.
    expect(frames()).toContainEqual({ type: FRAME.DATA, streamId: 1 });
    expect(frames()).not.toContainEqual({ type: FRAME.RST_STREAM, streamId: 1 });
    expect(frames()).toContainEqual({ type: FRAME.PING, streamId: 0 });
  });
});

describe("quiet server streams whose peer is alive", () => {
  // Longer than every configured timeout, twice over.
  const QUIET_MS = 3 * Math.max(LIMITS.headersTimeoutMs, LIMITS.requestTimeoutMs, LIMITS.idleTimeoutMs, LIMITS.keepAliveIntervalMs);

  it("WatchOrder over HTTP/2 stays open through a quiet spell and delivers the next change", async () => {
    await insertOrderRow(stack, { orderId: "quiet1", amountMinor: 100n });
    await createSimOrder(stack, { orderId: "quiet1", amountMinor: 100n });
    const seen: OrderStatus[] = [];
    let first: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (first = resolve));
    const watching = (async () => {
      for await (const res of stack.orders.watchOrder({ orderId: "quiet1" }, { timeoutMs: 20_000 })) {
        seen.push(res.order!.status);
        first();
      }
    })();
    await started;
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await paySimOrder(stack, "quiet1");
    await refreshOrder(stack.service.app, "quiet1", {});
    await watching;
    expect(seen).toEqual([OrderStatus.NEW, OrderStatus.CHARGED]);
  });

  it("StreamPaymentEvents over HTTP/1.1 (Connect) stays open through a quiet spell and delivers the next event", async () => {
    const newest = (await stack.service.app.db.selectFrom("payment_events").select(stack.service.app.db.fn.max("cursor").as("max")).executeTakeFirst())?.max;
    const after = newest === null || newest === undefined ? 0n : BigInt(newest);
    const connect11 = createConnectTransport({ baseUrl: stack.baseUrl, httpVersion: "1.1", interceptors: [bearerTokenInterceptor(stack.token)] });
    const events = createClient(WebhookService, connect11).streamPaymentEvents({ start: { case: "afterCursor", value: after }, types: [PaymentEventType.ORDER_CHARGED] }, { timeoutMs: 20_000 });
    const iterator = events[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await seedPaidOrder(stack, { orderId: "quiet2", amountMinor: 2_000n });
    await stack.orders.getOrderStatus({ orderId: "quiet2" });
    let orderId: string | undefined;
    for (let res = await next; !res.done; res = await iterator.next()) {
      if (res.value.message.case === "event") {
        orderId = res.value.message.value.orderId;
        break;
      }
    }
    await iterator.return?.();
    expect(orderId).toBe("quiet2");
  });
});

const hello: NodeHandlerFn = (_req, res) => res.end("hello");

/** Opens `count` connections and has each answered once, so the server has surely counted them; they stay open (keep-alive). */
async function holdConnections(open: () => Promise<net.Socket>, count: number, request: string): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = await open();
    const answered = new Promise((resolve) => socket.once("data", resolve));
    socket.write(request);
    await answered;
    sockets.push(socket);
  }
  return sockets;
}

describe("the connection cap", () => {
  let server: OnePortServer;
  let capPort = 0;
  beforeAll(async () => {
    server = createOnePortServer(hello, { ...LIMITS, headersTimeoutMs: 10_000, requestTimeoutMs: 10_000, idleTimeoutMs: 30_000, maxConnections: 3 });
    capPort = (await server.listen("127.0.0.1", 0)).port;
  });
  afterAll(async () => server?.close(0));

  it("closes connections beyond RPC_MAX_CONNECTIONS as they arrive, and admits one again when a slot frees", async () => {
    const held = await holdConnections(() => connect(capPort), 3, "GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    const refused = await new Promise<string>((resolve) => http.get({ host: "127.0.0.1", port: capPort, agent: false }, () => resolve("answered")).on("error", (e) => resolve(e.message)));
    expect(refused).not.toBe("answered");
    held[0]!.destroy();
    const answered = async (): Promise<boolean> =>
      new Promise((resolve) => http.get({ host: "127.0.0.1", port: capPort, agent: false }, (res) => resolve(res.statusCode === 200)).on("error", () => resolve(false)));
    let admitted = false;
    for (const until = Date.now() + BOUND_MS; !admitted && Date.now() < until; ) admitted = await answered();
    expect(admitted).toBe(true);
    for (const socket of held) socket.destroy();
  });
});

describe("the TLS RPC port", () => {
  let pki: TestPki;
  let server: OnePortServer;
  let tlsPort = 0;
  beforeAll(async () => {
    pki = createTestPki();
    server = createTlsServer(hello, pki.server, { ...LIMITS, maxConnections: 3 });
    tlsPort = (await server.listen("127.0.0.1", 0)).port;
  });
  afterAll(async () => {
    await server?.close(0);
    pki?.remove();
  });

  const connectTls = (alpn: string) =>
    new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ port: tlsPort, host: "127.0.0.1", ca: pki.caPem, ALPNProtocols: [alpn] }, () => resolve(socket));
      socket.once("error", reject);
    });

  it("closes a client that connects and never starts the handshake", async () => {
    const socket = await connect(tlsPort);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
  });

  it("answers 408 and closes an HTTP/1.1 client trickling a header line every 100 ms", async () => {
    const socket = await connectTls("http/1.1");
    const answer = received(socket);
    socket.write("GET / HTTP/1.1\r\n");
    trickle(socket, () => "x-slow: 1\r\n", 100);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
    expect(answer()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes an HTTP/2 client that sends only the preface (and answers pings)", async () => {
    const socket = await connectTls("h2");
    expect(socket.alpnProtocol).toBe("h2");
    receivedFrames(socket, { answerPings: true });
    socket.write(H2_CLIENT_START);
    expect(await closedWithin(socket, BOUND_MS)).toBe(true);
  });

  it("closes connections beyond the cap as they arrive", async () => {
    const held = await holdConnections(() => connectTls("http/1.1"), 3, "GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    const refused = await connectTls("http/1.1").then(
      () => "handshake completed",
      (e: Error) => e.message,
    );
    expect(refused).not.toBe("handshake completed");
    held[0]!.destroy();
    let admitted = false;
    for (const until = Date.now() + BOUND_MS; !admitted && Date.now() < until; ) {
      admitted = await connectTls("http/1.1").then(
        (socket) => (socket.destroy(), true),
        () => false,
      );
    }
    expect(admitted).toBe(true);
    for (const socket of held) socket.destroy();
  });
});
