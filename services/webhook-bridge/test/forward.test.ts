import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBridge, type Bridge } from "../src/server.js";
import { basic, PASSWORD, send, startFakeService, testConfig, USER, type FakeService } from "./helpers.js";

// The bridge answers Juspay from what the service says: 200 only once the
// event is stored, 400 for a dead letter, 503 (Retry-After) for anything that
// leaves the event unstored, so Juspay re-sends.

const fixture = readFileSync(new URL("../../../fixtures/juspay/webhooks/order_succeeded.json", import.meta.url));
const auth = { authorization: basic(USER, PASSWORD), "content-type": "application/json" };

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

describe("forwarding", () => {
  it("forwards the raw bytes, method, path, filtered headers and ip (no receive time: the service stamps its own), then answers 200", async () => {
    const answer = await send(bridge.address.port, {
      path: "/webhooks/juspay?source=juspay",
      headers: { ...auth, "content-type": "application/json; charset=utf-8", "x-juspay-trace": "t1", cookie: "session=abc", connection: "keep-alive, x-hop", "x-hop": "drop-me" },
      body: fixture,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ ok: true });
    expect(fake.calls).toHaveLength(1);
    const { request, authorization } = fake.calls[0]!;
    expect(Buffer.from(request.body).equals(fixture)).toBe(true);
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/webhooks/juspay?source=juspay");
    const names = request.headers.map((h) => h.name.toLowerCase());
    expect(names).toContain("x-juspay-trace");
    expect(names).toContain("content-type");
    for (const dropped of ["authorization", "cookie", "connection", "x-hop"]) expect(names).not.toContain(dropped);
    expect(request.remoteIp).toMatch(/127\.0\.0\.1/);
    expect(request.receiveTime).toBeUndefined();
    // The bridge's own credential, not Juspay's.
    expect(authorization).toBe("Bearer bridge-service-token");
    // One request id per delivery, for the service's logs of it.
    expect(fake.calls[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 200 to a duplicate", async () => {
    fake.script = "duplicate";
    const answer = await send(bridge.address.port, { headers: auth, body: fixture });
    expect(answer.status).toBe(200);
    expect(bridge.counters.duplicates).toBe(1);
  });

  it("answers 400 when the service keeps the body as MALFORMED", async () => {
    fake.script = "malformed";
    const answer = await send(bridge.address.port, { headers: auth, body: "{not json" });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.any(String) });
    expect(Buffer.from(fake.calls[0]!.request.body).toString()).toBe("{not json");
  });

  it("answers 400 when the service says INVALID_ARGUMENT", async () => {
    fake.script = "invalid";
    const answer = await send(bridge.address.port, { headers: auth, body: fixture });
    expect(answer.status).toBe(400);
  });

  it("answers 503 with Retry-After when the service is UNAVAILABLE", async () => {
    fake.script = "unavailable";
    const answer = await send(bridge.address.port, { headers: auth, body: fixture });
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("30");
    expect(answer.body).not.toContain("database");
  });

  it("answers 503 when the service is down", async () => {
    await fake.close();
    const answer = await send(bridge.address.port, { headers: auth, body: fixture });
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("30");
    expect(bridge.counters.unavailable).toBe(1);
  });

  it("answers 503 within the forward deadline when the service hangs", async () => {
    fake.script = "hang";
    const started = Date.now();
    const answer = await send(bridge.address.port, { headers: auth, body: fixture });
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_500);
  });

  it("reuses the keep-alive connection for a second webhook", async () => {
    expect((await send(bridge.address.port, { headers: auth, body: fixture })).status).toBe(200);
    expect((await send(bridge.address.port, { headers: auth, body: fixture })).status).toBe(200);
    expect(fake.calls).toHaveLength(2);
  });
});

describe("routes", () => {
  it("GET /healthz → 200", async () => {
    const answer = await send(bridge.address.port, { method: "GET", path: "/healthz" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ ok: true });
  });

  it("unknown path → 404, wrong method → 405, nothing forwarded", async () => {
    expect((await send(bridge.address.port, { method: "GET", path: "/nope" })).status).toBe(404);
    const wrong = await send(bridge.address.port, { method: "GET", headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expect(fake.calls).toHaveLength(0);
  });
});

describe("shutdown", () => {
  it("finishes an in-flight webhook, then refuses new connections", async () => {
    fake.script = "slow";
    const pending = send(bridge.address.port, { headers: auth, body: fixture });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = bridge.shutdown(2_000);
    expect((await pending).status).toBe(200);
    await stopped;
    await expect(send(bridge.address.port, { method: "GET", path: "/healthz" })).rejects.toThrow(/ECONNREFUSED/);
  });
});
