import { connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBridge, type Bridge } from "../src/server.js";
import { basic, PASSWORD, send, startFakeService, testConfig, USER, type FakeService } from "./helpers.js";

// Criterion 33: oversized bodies → 413 before parsing, whatever the client
// declares; a wrong content type → 415; slow clients (headers or body
// dribbled) get their socket closed by the server within the timeouts.
// Timeouts here: headers 400 ms, whole request 1500 ms, body idle 300 ms.

const auth = { authorization: basic(USER, PASSWORD), "content-type": "application/json" };
const big = Buffer.from(`{"pad":"${"x".repeat(257 * 1024)}"}`);

let fake: FakeService;
let bridge: Bridge;

beforeEach(async () => {
  fake = await startFakeService();
  bridge = await startBridge(testConfig(fake.url));
});

afterEach(async () => {
  await bridge.shutdown(0);
  await fake.close();
});

/** Opens a raw connection; resolves with the ms until the server closed it and what it sent. */
function rawClient(port: number): { socket: Socket; closed: Promise<{ afterMs: number; received: string }> } {
  const socket = connect(port, "127.0.0.1");
  const started = Date.now();
  let received = "";
  socket.on("data", (d: Buffer) => (received += d.toString("latin1")));
  socket.on("error", () => {});
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => socket.on("close", () => resolve({ afterMs: Date.now() - started, received })));
  return { socket, closed };
}

/** Writes parts one by one, `everyMs` apart, until the socket closes. */
async function dribble(socket: Socket, parts: string[], everyMs: number): Promise<void> {
  for (const part of parts) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe("body size", () => {
  it("Content-Length over 256 KiB → 413 before reading, nothing forwarded", async () => {
    const answer = await send(bridge.address.port, { headers: auth, body: big });
    expect(answer.status).toBe(413);
    expect(fake.calls).toHaveLength(0);
    expect(bridge.counters.tooLarge).toBe(1);
  });

  it("chunked body without Content-Length → 413 once the count passes the limit", async () => {
    const answer = await send(bridge.address.port, { headers: auth, body: big, chunked: true });
    expect(answer.status).toBe(413);
    expect(fake.calls).toHaveLength(0);
  });

  it("a Content-Length that lies (small, with a larger chunked body) is refused by the parser, nothing forwarded", async () => {
    const { socket, closed } = rawClient(bridge.address.port);
    socket.write(`POST /webhooks/juspay HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n`);
    socket.write(`40000\r\n${"x".repeat(0x40000)}\r\n0\r\n\r\n`);
    const { received } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 400/);
    expect(fake.calls).toHaveLength(0);
  });

  it("exactly 256 KiB is accepted and forwarded whole", async () => {
    const body = Buffer.alloc(256 * 1024, 0x20);
    body.write('{"a":1}');
    expect((await send(bridge.address.port, { headers: auth, body, chunked: true })).status).toBe(200);
    expect(fake.calls[0]!.request.body.length).toBe(256 * 1024);
  });
});

describe("content type", () => {
  it("text/plain, a look-alike and a missing type → 415, nothing forwarded; charset is allowed", async () => {
    for (const type of ["text/plain", "application/jsonx", "application/x-www-form-urlencoded"]) {
      expect((await send(bridge.address.port, { headers: { ...auth, "content-type": type }, body: "{}" })).status).toBe(415);
    }
    expect((await send(bridge.address.port, { headers: { authorization: auth.authorization }, body: "{}" })).status).toBe(415);
    expect(fake.calls).toHaveLength(0);
    expect((await send(bridge.address.port, { headers: { ...auth, "content-type": "Application/JSON;charset=UTF-8" }, body: "{}" })).status).toBe(200);
  });
});

describe("slow clients", () => {
  it("headers dribbled → socket closed after the headers timeout", async () => {
    const { socket, closed } = rawClient(bridge.address.port);
    const lines = ["POST /webhooks/juspay HTTP/1.1\r\n", ...Array.from({ length: 50 }, (_, i) => `X-Slow-${i}: y\r\n`)];
    void dribble(socket, lines, 100);
    const { afterMs, received } = await closed;
    // 400 ms timeout + the server's check interval (100 ms) + slack; the dribble would take 5 s.
    expect(afterMs).toBeLessThan(1_200);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(fake.calls).toHaveLength(0);
  });

  it("body stalled → socket closed after the body idle timeout", async () => {
    const { socket, closed } = rawClient(bridge.address.port);
    socket.write(`POST /webhooks/juspay HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":`);
    const { afterMs, received } = await closed;
    expect(afterMs).toBeLessThan(1_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(fake.calls).toHaveLength(0);
    expect(bridge.counters.bodyTimeouts).toBe(1);
  });

  it("body dribbled faster than the idle timeout → socket closed after the request timeout", async () => {
    const { socket, closed } = rawClient(bridge.address.port);
    socket.write(`POST /webhooks/juspay HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
    void dribble(socket, Array.from({ length: 1000 }, () => " "), 50);
    const { afterMs } = await closed;
    // 1500 ms request timeout + check interval + slack; the dribble would take 50 s.
    expect(afterMs).toBeLessThan(2_500);
    expect(fake.calls).toHaveLength(0);
  });
});
