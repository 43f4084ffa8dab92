import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultPlan, type Fault } from "../src/http/faults.js";
import { createHttpServer, type HttpServer, type Route } from "../src/http/server.js";

// Every fault kind over a real socket, against the simulator's HTTP front
// with a probe route that counts how often its handler ran (so "the request
// took effect" is observable). The admin API that scripts faults is covered
// in admin.test.ts.

let server: HttpServer;
let base: string;
let faults: FaultPlan;
let ran: number;

beforeEach(async () => {
  ran = 0;
  faults = new FaultPlan();
  const probe = (name: string, path: string): Route => ({
    name,
    method: "GET",
    path,
    auth: "none",
    handler: () => ({ body: { status: "ok", order_id: "ord_1", note: "the handler ran", n: ++ran } }),
  });
  server = createHttpServer({ routes: [probe("probe", "/probe"), probe("other", "/other/:id")], apiKey: "k", merchantId: "m", faults });
  const address = await server.listen(0, "127.0.0.1");
  base = `http://${address.host}:${address.port}`;
});

afterEach(async () => {
  await server.close();
});

const get = (path = "/probe", timeoutMs = 5000): Promise<Response> => fetch(base + path, { signal: AbortSignal.timeout(timeoutMs) });
const inject = (fault: Fault, times?: number): void => faults.add({ route: "probe", fault, ...(times ? { times } : {}) });

describe("fault kinds", () => {
  it("latency: answers normally after the delay", async () => {
    inject({ kind: "latency", ms: 150 });
    const started = Date.now();
    const res = await get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ n: 1 });
  });

  it("status: a Juspay-like JSON error without running the handler", async () => {
    inject({ kind: "status", status: 503 });
    const res = await get();
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ status: "error", error_code: "internal_error", error_message: "Simulated HTTP 503" });
    expect(ran).toBe(0);
  });

  it("status with an HTML body, like a proxy's error page", async () => {
    inject({ kind: "status", status: 502, body: "html" });
    const res = await get();
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toMatch(/^<html>.*502 Error.*<\/html>$/);
    expect(ran).toBe(0);
  });

  it("rate_limit: 429 with Retry-After", async () => {
    inject({ kind: "rate_limit", retryAfterSeconds: 7 });
    const res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toMatchObject({ error_code: "too_many_requests" });
    expect(ran).toBe(0);
  });

  it("reset: the request takes effect, the client gets headers and then a broken body", async () => {
    inject({ kind: "reset" });
    const res = await get();
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(0);
    await expect(res.text()).rejects.toThrow();
    expect(ran).toBe(1);
  });

  it("hang: nothing happens and the client times out", async () => {
    inject({ kind: "hang" });
    await expect(get("/probe", 300)).rejects.toThrow(/timeout|aborted/i);
    expect(ran).toBe(0);
    // The rule is used up: the next call answers.
    expect((await get()).status).toBe(200);
  });

  it("hang after the handler: the request takes effect but is never answered", async () => {
    inject({ kind: "hang", afterHandler: true });
    await expect(get("/probe", 300)).rejects.toThrow(/timeout|aborted/i);
    expect(ran).toBe(1);
  });

  it("malformed_json: 200 with truncated JSON, after the request took effect", async () => {
    inject({ kind: "malformed_json" });
    const res = await get();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text.startsWith('{"status":"ok"')).toBe(true);
    expect(ran).toBe(1);
  });
});

describe("rule matching", () => {
  it("scripts a sequence: 503, 503, then OK", async () => {
    inject({ kind: "status", status: 503 }, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it("takes rules in the order they were added", async () => {
    inject({ kind: "status", status: 500 });
    inject({ kind: "rate_limit", retryAfterSeconds: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([500, 429, 200]);
  });

  it("matches only its route and, with pathIncludes, only matching paths", async () => {
    faults.add({ route: "other", fault: { kind: "status", status: 500 }, pathIncludes: "ord_9", times: Infinity });
    expect((await get("/probe")).status).toBe(200);
    expect((await get("/other/ord_1")).status).toBe(200);
    expect((await get("/other/ord_9")).status).toBe(500);
    expect((await get("/other/ord_9")).status).toBe(500);
    expect(faults.list()).toEqual([{ route: "other", fault: { kind: "status", status: 500 }, pathIncludes: "ord_9", times: Infinity }]);
  });

  it('"*" matches every route', async () => {
    faults.add({ route: "*", fault: { kind: "status", status: 504 }, times: 2 });
    expect((await get("/probe")).status).toBe(504);
    expect((await get("/other/x")).status).toBe(504);
    expect((await get("/probe")).status).toBe(200);
  });

  it("validates faults", () => {
    expect(() => faults.add({ route: "probe", fault: { kind: "explode" } as unknown as Fault })).toThrow(/unknown fault kind "explode"/);
    expect(() => inject({ kind: "status", status: 200 })).toThrow(/4xx or 5xx/);
    expect(() => inject({ kind: "latency", ms: -1 })).toThrow(/ms >= 0/);
    expect(faults.list()).toEqual([]);
  });
});
