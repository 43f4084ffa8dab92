import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Customer } from "../src/state/model.js";
import type { Route } from "../src/http/server.js";
import { startSimulator, type Simulator } from "../src/simulator.js";
import { startReceiver, type Receiver } from "./helpers/webhook-receiver.js";

// The admin API over HTTP. Fault scripting is exercised end to end against a
// probe route added to the simulator's live route table (test only), so
// these tests need none of the Juspay API routes.

let sim: Simulator;
let probeRan: number;

beforeEach(async () => {
  sim = await startSimulator({ port: 0 });
  probeRan = 0;
  (sim.routes as Route[]).push({ name: "probe", method: "GET", path: "/probe", auth: "none", handler: () => ({ body: { n: ++probeRan } }) });
});

afterEach(async () => {
  await sim.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}/__admin${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const probe = async (): Promise<number> => (await fetch(`${sim.url}/probe`)).status;

describe("basics", () => {
  it("health, route table and 404 for unknown admin paths", async () => {
    expect(await admin("GET", "/health")).toEqual({ status: 200, json: { ok: true } });
    const { json } = await admin("GET", "/routes");
    expect(json.routes).toContainEqual({ method: "POST", path: "/__admin/faults", name: "admin_faults_add", auth: "none" });
    expect(sim.routes.filter((r) => r.path.startsWith("/__admin/")).every((r) => r.auth === "none" && r.admin)).toBe(true);
    expect((await admin("GET", "/nope")).status).toBe(404);
  });

  it("rejects bodies that are not JSON objects", async () => {
    expect(await admin("POST", "/clock/advance", "{ms: 1")).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^body is not valid JSON/) } });
    expect(await admin("POST", "/clock/advance", [1])).toEqual({ status: 400, json: { error: "body must be a JSON object" } });
    expect(await admin("POST", "/webhooks/emit", { event_name: "X", extra: 1 })).toEqual({ status: 400, json: { error: "unknown field extra" } });
  });
});

describe("faults", () => {
  it("scripts 503, 503, then OK with times, lists and clears rules", async () => {
    const added = await admin("POST", "/faults", { route: "probe", fault: { kind: "status", status: 503 }, times: 2 });
    expect(added).toEqual({ status: 200, json: { rules: [{ route: "probe", fault: { kind: "status", status: 503 }, times: 2 }] } });
    expect([await probe(), await probe(), await probe()]).toEqual([503, 503, 200]);
    expect((await admin("GET", "/faults")).json).toEqual({ rules: [] });
    expect(probeRan).toBe(1);
  });

  it("takes an array as a scripted sequence; times: \"always\" never runs out", async () => {
    await admin("POST", "/faults", [
      { route: "probe", fault: { kind: "status", status: 500, body: "html" } },
      { route: "probe", fault: { kind: "rate_limit", retryAfterSeconds: 2 } },
      { route: "*", fault: { kind: "latency", ms: 1 }, times: "always", pathIncludes: "/probe" },
    ]);
    expect((await admin("GET", "/faults")).json.rules).toEqual([
      { route: "probe", fault: { kind: "status", status: 500, body: "html" }, times: 1 },
      { route: "probe", fault: { kind: "rate_limit", retryAfterSeconds: 2 }, times: 1 },
      { route: "*", fault: { kind: "latency", ms: 1 }, times: "always", pathIncludes: "/probe" },
    ]);
    expect([await probe(), await probe(), await probe(), await probe()]).toEqual([500, 429, 200, 200]);
    expect(await admin("DELETE", "/faults")).toEqual({ status: 200, json: { rules: [] } });
    expect(sim.faults.list()).toEqual([]);
  });

  it("applies over the socket: hang after the handler takes effect and never answers", async () => {
    await admin("POST", "/faults", { route: "probe", fault: { kind: "hang", afterHandler: true } });
    await expect(fetch(`${sim.url}/probe`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(probeRan).toBe(1);
  });

  it("never faults or counts admin routes, even with \"*\"", async () => {
    await admin("POST", "/faults", { route: "*", fault: { kind: "status", status: 503 }, times: "always" });
    expect((await admin("GET", "/health")).status).toBe(200);
    expect(await probe()).toBe(503);
    expect((await admin("GET", "/counters")).json.requests).toEqual({ probe: 1 });
    expect((await admin("DELETE", "/faults")).status).toBe(200);
    expect(await probe()).toBe(200);
  });

  it.each([
    [{ route: "probe", fault: { kind: "explode" } }, 'unknown fault kind "explode"'],
    [{ route: "probe", fault: { kind: "status", status: 200 } }, "status fault needs a 4xx or 5xx status"],
    [{ route: "probe", fault: { kind: "status", status: "503" } }, "fault status must be a number"],
    [{ route: "probe", fault: { kind: "status", status: 503, body: "xml" } }, 'status fault body must be "json" or "html"'],
    [{ route: "probe", fault: { kind: "latency" } }, "latency fault needs ms >= 0"],
    [{ route: "probe", fault: { kind: "rate_limit" } }, "rate_limit fault needs retryAfterSeconds >= 0"],
    [{ route: "probe", fault: { kind: "hang", afterHandler: "yes" } }, "hang fault afterHandler must be a boolean"],
    [{ route: "probe" }, "fault must be an object with a kind"],
    [{ route: "prob", fault: { kind: "reset" } }, expect.stringMatching(/^unknown route "prob"; known: (\w+, )*probe, \*$/)],
    [{ route: "admin_health", fault: { kind: "reset" } }, expect.stringMatching(/^unknown route "admin_health" \(admin routes cannot be faulted\); known: (?!.*admin_)/)],
    [{ route: "probe", fault: { kind: "reset" }, times: 0 }, 'times must be an integer >= 1 or "always"'],
    [{ route: "probe", fault: { kind: "reset" }, pathIncludes: 3 }, "pathIncludes must be a non-empty string"],
    [{ route: "probe", fault: { kind: "reset" }, when: "now" }, "unknown field when"],
    ["[1,", expect.stringMatching(/^body is not valid JSON/)],
  ])("400 for an invalid rule %j", async (body, error) => {
    expect(await admin("POST", "/faults", body)).toEqual({ status: 400, json: { error } });
  });

  it("adds nothing when any rule of a script is invalid, and says which", async () => {
    const res = await admin("POST", "/faults", [{ route: "probe", fault: { kind: "reset" } }, { route: "probe", fault: { kind: "nope" } }]);
    expect(res).toEqual({ status: 400, json: { error: 'rule 1: unknown fault kind "nope"' } });
    expect(sim.faults.list()).toEqual([]);
  });
});

describe("clock and counters", () => {
  it("reads and advances the simulated clock", async () => {
    const before = (await admin("GET", "/clock")).json;
    expect(before).toMatchObject({ timeScale: 1, pendingTasks: 0 });
    expect(before.nowIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const after = (await admin("POST", "/clock/advance", { ms: 3_600_000 })).json;
    expect((after.now as number) - (before.now as number)).toBeGreaterThanOrEqual(3_600_000);
    expect(await admin("POST", "/clock/advance", { ms: -5 })).toEqual({ status: 400, json: { error: "ms must be a number >= 0 (simulated milliseconds)" } });
  });

  it("counts requests per route, unrouted requests, unique_request_ids per order and requests without x-routing-id, and resets", async () => {
    await probe();
    await probe();
    expect((await fetch(`${sim.url}/txns/v2/orders/o1`)).status).toBe(404);
    sim.counters.noteRefundRequest("ord_1", "r1");
    sim.counters.noteRefundRequest("ord_1", "r2");
    sim.counters.noteRefundRequest("ord_1", "r1");
    expect((await admin("GET", "/counters")).json).toEqual({
      requests: { probe: 2 },
      uniqueRequestIdsPerOrder: { ord_1: ["r1", "r2"] },
      unrouted: { "GET /txns/v2/orders/o1": 1 },
      // The probes carry no x-routing-id; the unrouted request is counted only as unrouted.
      withoutRoutingId: { probe: 2 },
    });
    expect((await admin("POST", "/counters/reset")).json).toEqual({ requests: {}, uniqueRequestIdsPerOrder: {}, unrouted: {}, withoutRoutingId: {} });
  });
});

describe("webhooks", () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it("changes settings at runtime, masks secrets, and emits test events", async () => {
    const put = await admin("PUT", "/webhooks/settings", {
      url: receiver.url,
      username: "u",
      password: "p",
      headers: { "X-Token": "t" },
      duplicates: 1,
      outOfOrder: false,
      drop: false,
    });
    expect(put).toMatchObject({ status: 200, json: { url: receiver.url, username: "u", password: "***", headers: { "X-Token": "***" }, duplicates: 1, drop: 0 } });
    expect((await admin("GET", "/webhooks/settings")).json).toEqual(put.json);

    const emitted = await admin("POST", "/webhooks/emit", { event_name: "ORDER_SUCCEEDED", content: { order: { order_id: "o1" } } });
    const event = emitted.json.event as { id: string };
    expect(event).toMatchObject({ id: expect.stringMatching(/^evt_V2_[0-9a-f]{32}$/), event_name: "ORDER_SUCCEEDED", content: { order: { order_id: "o1" } } });
    const got = await receiver.waitFor(2);
    expect(got.map((g) => g.json)).toEqual([event, event]);
    expect(got[0]!.headers["x-token"]).toBe("t");
    expect(got[0]!.headers.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);

    await sim.webhooks.waitForDelivery((d) => d.copy === 1 && d.state === "delivered");
    const log = (await admin("GET", "/webhooks")).json;
    expect(log.deliveries).toMatchObject([
      { eventId: event.id, copy: 0, state: "delivered", url: receiver.url, attempts: [{ n: 1, status: 200 }] },
      { eventId: event.id, copy: 1, state: "delivered" },
    ]);
    expect((await admin("GET", "/webhooks/events")).json).toEqual({ events: [event] });
    expect(await admin("DELETE", "/webhooks")).toEqual({ status: 200, json: { deliveries: [] } });
    expect(sim.webhooks.deliveries()).toEqual([]);
  });

  it("flushes held out-of-order events on request", async () => {
    await admin("PUT", "/webhooks/settings", { url: receiver.url, outOfOrder: true, outOfOrderWindowMs: 3_600_000 });
    await admin("POST", "/webhooks/emit", { event_name: "FIRST" });
    await admin("POST", "/webhooks/emit", { event_name: "SECOND", webhook_url: receiver.url });
    expect((await admin("POST", "/webhooks/flush")).json).toEqual({ ok: true });
    const got = await receiver.waitFor(2);
    expect(got.map((g) => (g.json as { event_name: string }).event_name)).toEqual(["SECOND", "FIRST"]);
  });

  it("400 with every problem for invalid settings, and nothing changes", async () => {
    const res = await admin("PUT", "/webhooks/settings", { url: "mailto:x", duplicates: 1.5, drop: 2, colour: "red", headers: { "bad name": "x" } });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe(
      'webhook url must be an http:// or https:// URL, got "mailto:x"; duplicates must be an integer 0..10; drop must be true, false or a rate 0..1; unknown setting "colour"; invalid header name "bad name"',
    );
    expect(sim.webhooks.settings().url).toBeUndefined();
    expect(await admin("POST", "/webhooks/emit", { content: {} })).toEqual({ status: 400, json: { error: "event_name must be a non-empty string" } });
  });
});

describe("merchant keys, orders, state", () => {
  it("registers an RSA public key; rejects anything else", async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(await admin("POST", "/merchant-keys", { keyId: "key_1", publicKeyPem: pem })).toEqual({ status: 200, json: { keyId: "key_1" } });
    expect(sim.state.merchantKeys.key_1).toBe(pem);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    for (const bad of ["not a pem", ec]) {
      expect(await admin("POST", "/merchant-keys", { keyId: "key_2", publicKeyPem: bad })).toEqual({ status: 400, json: { error: "publicKeyPem must be an RSA public key in PEM" } });
    }
    expect((await admin("POST", "/merchant-keys", { publicKeyPem: pem })).json).toEqual({ error: "keyId must be a non-empty string" });
  });

  it("validates a payment request before calling the engine", async () => {
    expect((await admin("POST", "/orders/ord_1/pay", { outcome: "maybe" })).json.error).toMatch(/^outcome must be one of success, failure, /);
    expect((await admin("POST", "/orders/ord_1/pay", { payment_method_type: "BITCOIN" })).json.error).toBe("payment_method_type must be one of CARD, NB, UPI, WALLET, CASH");
  });

  it("pays an order, whose webhooks go to its metadata.webhook_url", async () => {
    const perOrder = await startReceiver();
    try {
      const created = await fetch(`${sim.url}/orders`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ order_id: "ord_pay_1", amount: "100.00", customer_id: "cust_1", "metadata.webhook_url": perOrder.url }),
      });
      expect(created.status).toBe(200);
      const paid = await admin("POST", "/orders/ord_pay_1/pay", { outcome: "success", payment_method_type: "CARD" });
      expect(paid).toMatchObject({ status: 200, json: { order: { order_id: "ord_pay_1", status: "CHARGED" } } });
      await perOrder.waitFor(1);
      await sim.webhooks.waitForDelivery((d) => d.eventName === "ORDER_SUCCEEDED" && d.state === "delivered");
      expect(sim.webhooks.deliveries().every((d) => d.url === perOrder.url)).toBe(true);
      // Paying again is Juspay's error, passed through.
      expect((await admin("POST", "/orders/ord_pay_1/pay", {})).status).toBe(400);
      const unknown = await admin("POST", "/orders/nope/pay", {});
      expect(unknown.status).toBeGreaterThanOrEqual(400);
      expect(unknown.status).toBeLessThan(500);
    } finally {
      await perOrder.close();
    }
  });

  it("returns the whole state, and reset empties state, faults, counters and the webhook log", async () => {
    const customer = { id: "cth_1", objectReferenceId: "c1" } as Customer;
    sim.state.customers.cth_1 = customer;
    sim.state.sequence = 7;
    await admin("POST", "/faults", { route: "probe", fault: { kind: "reset" }, times: "always" });
    await probe().catch(() => 0);
    await admin("POST", "/webhooks/emit", { event_name: "X" });

    const state = (await admin("GET", "/state")).json;
    expect(state).toMatchObject({ customers: { cth_1: customer }, sequence: 7, orders: {}, mandates: {}, merchantKeys: {} });

    expect(await admin("POST", "/reset")).toEqual({ status: 200, json: { ok: true } });
    expect((await admin("GET", "/state")).json).toMatchObject({ customers: {}, orders: {}, sequence: 0 });
    expect(sim.state.customers).toEqual({});
    expect(sim.faults.list()).toEqual([]);
    expect(sim.counters.snapshot().requests).toEqual({});
    expect(sim.webhooks.deliveries()).toEqual([]);
    expect(await probe()).toBe(200);
  });
});
