import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { SimulatorOptions, WebhookEvent } from "../src/context.js";
import { startSimulator, type Simulator } from "../src/simulator.js";
import { RETRY_DELAYS_MS, attemptOffsets } from "../src/webhooks/schedule.js";
import type { Delivery } from "../src/webhooks/sender.js";
import { startReceiver, type Receiver, type Reply } from "./helpers/webhook-receiver.js";

// A time scale this small freezes the simulated clock between advance() calls.
const FROZEN = 1e-6;

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function receiver(...replies: Reply[]): Promise<Receiver> {
  const r = await startReceiver(replies);
  open.push(r);
  return r;
}

async function sim(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const s = await startSimulator({ port: 0, ...options });
  open.push(s);
  return s;
}

const finished = (d: Delivery, attempts: number): boolean =>
  d.attempts.length === attempts && d.attempts.every((a) => a.status !== undefined || a.error !== undefined);

function fixture(name: string): WebhookEvent {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/juspay/webhooks/${name}.json`, import.meta.url), "utf8")) as WebhookEvent;
}

describe("webhook requests", () => {
  it("POSTs Juspay's body with JSON content type, Basic auth and custom headers", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url, webhookUsername: "merchant", webhookPassword: "s3cret", webhookHeaders: { "X-Env": "test" } });
    const sample = fixture("txn_charged");
    const event = s.webhooks.emit(sample.event_name, sample.content);

    const [got] = await r.waitFor(1);
    expect(got!.method).toBe("POST");
    expect(got!.path).toBe("/webhooks/juspay");
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers.authorization).toBe(`Basic ${Buffer.from("merchant:s3cret").toString("base64")}`);
    expect(got!.headers["x-env"]).toBe("test");
    expect(got!.json).toEqual(event);
    expect(Object.keys(got!.json as object)).toEqual(["id", "event_name", "date_created", "content"]);
    expect(event.id).toMatch(/^evt_V2_[0-9a-f]{32}$/);
    expect(event.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(event.content).toEqual(sample.content);

    const d = await s.webhooks.waitForDelivery((x) => x.state === "delivered");
    expect(d).toMatchObject({ eventId: event.id, eventName: "TXN_CHARGED", copy: 0, url: r.url });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]).toMatchObject({ n: 1, status: 200, url: r.url, response: "OK" });
  });

  it("emit returns before anything is sent", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url });
    s.webhooks.emit("ORDER_SUCCEEDED", { order: { order_id: "o1" } });
    expect(r.received).toHaveLength(0);
    expect(s.webhooks.deliveries()[0]).toMatchObject({ state: "pending", attempts: [] });
    await r.waitFor(1);
  });

  it("sends to a per-event URL (order metadata.webhook_url) with the same auth", async () => {
    const main = await receiver();
    const perOrder = await receiver();
    const s = await sim({ webhookUrl: main.url, webhookUsername: "u", webhookPassword: "p" });
    s.webhooks.emit("ORDER_SUCCEEDED", { order: { order_id: "o1" } }, { webhookUrl: perOrder.url });
    const [got] = await perOrder.waitFor(1);
    expect(got!.headers.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    await s.webhooks.waitForDelivery((d) => d.state === "delivered" && d.url === perOrder.url);
    expect(main.received).toHaveLength(0);
  });

  it("logs events it cannot send as skipped", async () => {
    const s = await sim();
    s.webhooks.emit("ORDER_FAILED", {});
    s.webhooks.emit("ORDER_FAILED", {}, { webhookUrl: "ftp://example.com/x" });
    const [none, bad] = s.webhooks.deliveries();
    expect(none).toMatchObject({ state: "skipped", reason: "no webhook URL configured", url: null });
    expect(bad).toMatchObject({ state: "skipped", url: "ftp://example.com/x" });
    expect(s.webhooks.events).toHaveLength(2);
  });

  it("delivers events one at a time, in emission order", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url });
    const ids = Array.from({ length: 6 }, (_, i) => s.webhooks.emit(`E${i}`, {}).id);
    const got = await r.waitFor(6);
    expect(got.map((g) => (g.json as WebhookEvent).id)).toEqual(ids);
  });
});

describe("retries", () => {
  it("follows Juspay's schedule exactly in simulated time, then gives up", async () => {
    const r = await receiver();
    r.fallback(500);
    const s = await sim({ webhookUrl: r.url, timeScale: FROZEN });
    const event = s.webhooks.emit("ORDER_SUCCEEDED", {});
    await s.webhooks.waitForDelivery((d) => finished(d, 1));

    // Not a millisecond early.
    s.clock.advance(RETRY_DELAYS_MS[0]! - 1);
    expect(s.clock.pending()).toBe(1);
    s.clock.advance(1);
    expect(s.clock.pending()).toBe(0);
    await s.webhooks.waitForDelivery((d) => finished(d, 2));

    for (let retry = 2; retry <= 16; retry++) {
      s.clock.advance(RETRY_DELAYS_MS[retry - 1]!);
      await s.webhooks.waitForDelivery((d) => finished(d, retry + 1));
    }
    const d = await s.webhooks.waitForDelivery((x) => x.state === "failed");
    const first = d.attempts[0]!.dueAt;
    const offsets = d.attempts.map((a) => a.dueAt - first);
    const min = 60_000;
    const hour = 60 * min;
    expect(offsets).toEqual([
      0, min, 6 * min, 11 * min, 21 * min, 31 * min, 41 * min, 51 * min, 61 * min,
      hour + 61 * min, 2 * hour + 61 * min, 3 * hour + 61 * min, 4 * hour + 61 * min, 5 * hour + 61 * min,
      11 * hour + 61 * min, 17 * hour + 61 * min, 23 * hour + 61 * min,
    ]);
    expect(offsets).toEqual(attemptOffsets());
    expect(offsets.at(-1)).toBe(24 * hour + min); // 16 retries "over 24 h"
    expect(d.attempts.every((a) => a.status === 500 && a.at === a.dueAt)).toBe(true);
    expect(d).toMatchObject({ eventId: event.id, state: "failed", reason: "gave up after 17 attempts" });

    s.clock.advance(48 * hour);
    await sleep(50);
    expect(r.received).toHaveLength(17);
  });

  it("compresses a day into seconds with a large time scale", async () => {
    const r = await receiver();
    r.fallback(503);
    // 36 000 simulated s per real s: the 24 h 1 min schedule takes about 2.4 real seconds.
    const s = await sim({ webhookUrl: r.url, timeScale: 36_000 });
    s.webhooks.emit("ORDER_SUCCEEDED", {});
    const d = await s.webhooks.waitForDelivery((x) => x.state === "failed", 15_000);
    const first = d.attempts[0]!.dueAt;
    expect(d.attempts.map((a) => a.dueAt - first)).toEqual(attemptOffsets());
    expect(d.attempts.every((a) => a.at >= a.dueAt)).toBe(true);
    const real = r.received.at(-1)!.at - r.received[0]!.at;
    expect(real).toBeGreaterThan(2000);
    expect(r.received).toHaveLength(17);
  });

  it("retries non-200 answers until one is 200", async () => {
    const r = await receiver(500, 201, 200);
    const s = await sim({ webhookUrl: r.url, timeScale: FROZEN });
    s.webhooks.emit("ORDER_SUCCEEDED", {});
    await s.webhooks.waitForDelivery((d) => finished(d, 1));
    s.clock.advance(60_000);
    await s.webhooks.waitForDelivery((d) => finished(d, 2));
    s.clock.advance(5 * 60_000);
    const d = await s.webhooks.waitForDelivery((x) => x.state === "delivered");
    expect(d.attempts.map((a) => a.status)).toEqual([500, 201, 200]);
    expect(d.nextAttemptAt).toBeUndefined();
  });

  it("treats a timeout and a refused connection as failed attempts", async () => {
    const r = await receiver("hang");
    const s = await sim({ webhookUrl: r.url, timeScale: FROZEN });
    s.webhooks.configure({ attemptTimeoutMs: 200 });
    s.webhooks.emit("ORDER_SUCCEEDED", {});
    let d = await s.webhooks.waitForDelivery((x) => finished(x, 1));
    expect(d.attempts[0]!.error).toMatch(/timeout after 200 ms/);
    s.clock.advance(60_000);
    d = await s.webhooks.waitForDelivery((x) => x.state === "delivered");
    expect(d.attempts).toHaveLength(2);

    const closed = await startReceiver();
    await closed.close();
    s.webhooks.emit("ORDER_FAILED", {}, { webhookUrl: closed.url });
    d = await s.webhooks.waitForDelivery((x) => x.eventName === "ORDER_FAILED" && finished(x, 1));
    expect(d.attempts[0]!.error).toMatch(/ECONNREFUSED/);
    expect(d.state).toBe("pending");
  });

  it("reads credentials per attempt, so fixing them lets a retry through", async () => {
    const r = await receiver();
    const good = `Basic ${Buffer.from("m:right").toString("base64")}`;
    r.fallback((req) => (req.headers.authorization === good ? 200 : 401));
    const s = await sim({ webhookUrl: r.url, webhookUsername: "m", webhookPassword: "wrong", timeScale: FROZEN });
    s.webhooks.emit("ORDER_SUCCEEDED", {});
    await s.webhooks.waitForDelivery((d) => finished(d, 1) && d.attempts[0]!.status === 401);
    s.webhooks.configure({ password: "right" });
    s.clock.advance(60_000);
    const d = await s.webhooks.waitForDelivery((x) => x.state === "delivered");
    expect(d.attempts.map((a) => a.status)).toEqual([401, 200]);
  });
});

describe("switches", () => {
  it("duplicates: sends every event n extra times with the same id", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url });
    s.webhooks.configure({ duplicates: 2 });
    const event = s.webhooks.emit("ORDER_SUCCEEDED", { order: { order_id: "o1" } });
    const got = await r.waitFor(3);
    expect(got.map((g) => g.json)).toEqual([event, event, event]);
    await s.webhooks.waitForDelivery((d) => d.copy === 2 && d.state === "delivered");
    expect(s.webhooks.deliveries().map((d) => [d.copy, d.state])).toEqual([
      [0, "delivered"],
      [1, "delivered"],
      [2, "delivered"],
    ]);
  });

  it("outOfOrder: holds events for the window, then sends the batch newest first", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url, timeScale: FROZEN });
    s.webhooks.configure({ outOfOrder: true, outOfOrderWindowMs: 2000 });
    const names = ["TXN_CREATED", "TXN_CHARGED", "ORDER_SUCCEEDED"];
    for (const name of names) s.webhooks.emit(name, {});
    expect(s.webhooks.deliveries().map((d) => d.state)).toEqual(["held", "held", "held"]);
    s.clock.advance(1999);
    await sleep(30);
    expect(r.received).toHaveLength(0);
    s.clock.advance(1);
    const got = await r.waitFor(3);
    expect(got.map((g) => (g.json as WebhookEvent).event_name)).toEqual([...names].reverse());

    // A new window starts with the next event; turning the switch off sends what is held.
    s.webhooks.emit("A", {});
    s.webhooks.emit("B", {});
    s.webhooks.configure({ outOfOrder: false });
    const more = await r.waitFor(5);
    expect(more.slice(3).map((g) => (g.json as WebhookEvent).event_name)).toEqual(["B", "A"]);
  });

  it("drop: true drops every event; a rate drops deterministically", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url });
    s.webhooks.configure({ drop: true });
    s.webhooks.emit("ORDER_SUCCEEDED", {});
    expect(s.webhooks.deliveries()[0]).toMatchObject({ state: "dropped", attempts: [] });

    s.webhooks.clear();
    s.webhooks.configure({ drop: 0.5 });
    for (const name of ["E1", "E2", "E3", "E4"]) s.webhooks.emit(name, {});
    expect(s.webhooks.deliveries().map((d) => d.state)).toEqual(["pending", "dropped", "pending", "dropped"]);
    const got = await r.waitFor(2);
    expect(got.map((g) => (g.json as WebhookEvent).event_name)).toEqual(["E1", "E3"]);
    await sleep(30);
    expect(r.received).toHaveLength(2);
  });

  it("paused: due attempts wait, then go out in order on resume", async () => {
    const r = await receiver();
    const s = await sim({ webhookUrl: r.url });
    s.webhooks.configure({ paused: true });
    s.webhooks.emit("E1", {});
    s.webhooks.emit("E2", {});
    await sleep(50);
    expect(r.received).toHaveLength(0);
    s.webhooks.configure({ paused: false });
    const got = await r.waitFor(2);
    expect(got.map((g) => (g.json as WebhookEvent).event_name)).toEqual(["E1", "E2"]);
  });

  it("rejects invalid settings without changing anything", async () => {
    const s = await sim();
    const before = s.webhooks.settings();
    expect(() => s.webhooks.configure({ duplicates: -1, url: "nope" })).toThrow(/duplicates must be an integer 0..10; webhook url must be/);
    expect(s.webhooks.settings()).toEqual(before);
  });
});

describe("log helpers", () => {
  it("waitForDelivery rejects with a summary of the log", async () => {
    const s = await sim();
    s.webhooks.emit("ORDER_FAILED", {});
    await expect(s.webhooks.waitForDelivery((d) => d.state === "delivered", 50)).rejects.toThrow(/ORDER_FAILED#0:skipped/);
  });

  it("clear() forgets events and deliveries and stops their retries", async () => {
    const r = await receiver();
    r.fallback(500);
    const s = await sim({ webhookUrl: r.url, timeScale: FROZEN });
    s.webhooks.emit("ORDER_SUCCEEDED", {});
    await s.webhooks.waitForDelivery((d) => finished(d, 1));
    s.webhooks.clear();
    expect(s.webhooks.deliveries()).toEqual([]);
    expect(s.webhooks.events).toEqual([]);
    s.clock.advance(60_000);
    await sleep(30);
    expect(r.received).toHaveLength(1);
  });
});
