import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startBridge, type Bridge } from "../src/server.js";
import { basic, captureLogs, PASSWORD, send, startFakeService, testConfig, USER, type FakeService } from "./helpers.js";

// Issue 15, findings 2 and 11, at the bridge: what an outsider controls (the
// request target, how many webhooks a source sends, how large a body is)
// is bounded before it reaches a log line, the service or its table.

const auth = { authorization: basic(USER, PASSWORD), "content-type": "application/json" };

let fake: FakeService;
let bridge: Bridge | undefined;

afterEach(async () => {
  await bridge?.shutdown(0);
  bridge = undefined;
  await fake.close();
});

describe("long request targets (finding 2)", () => {
  it("40 requests with a 15 KB path are refused 414 while /healthz keeps answering, and each is logged with a short path", async () => {
    fake = await startFakeService();
    const logs = captureLogs();
    bridge = await startBridge(testConfig(fake.url), { logger: createLogger("info", logs.sink) });
    const port = bridge.address.port;
    let attacking = true;
    const probeMs: number[] = [];
    const probing = (async () => {
      while (attacking) {
        const started = performance.now();
        expect((await send(port, { method: "GET", path: "/healthz" })).status).toBe(200);
        probeMs.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(port, { method: "GET", path: `/${String(i)}${"a".repeat(15_000)}` })));
    attacking = false;
    await probing;
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(414));
    expect(fake.calls).toHaveLength(0);
    expect(probeMs.length).toBeGreaterThan(0);
    // Generous: the failure this catches froze the loop for seconds (180 ms of scrubbing per request).
    expect(Math.max(...probeMs)).toBeLessThan(1_000);
    const lines = logs.text().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { msg: string; path?: string; status?: number });
    const requests = lines.filter((l) => l.msg === "request" && l.status === 414);
    expect(requests).toHaveLength(40);
    for (const line of requests) expect(line.path!.length).toBeLessThanOrEqual(160);
  });

  it("a webhook whose target (path and query) is longer than the service takes is refused 414, not forwarded", async () => {
    fake = await startFakeService();
    bridge = await startBridge(testConfig(fake.url));
    const answer = await send(bridge.address.port, { path: `/webhooks/juspay?x=${"q".repeat(3_000)}`, headers: auth, body: "{}" });
    expect(answer.status).toBe(414);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("rate limit per source (finding 11)", () => {
  it("a source past its burst gets 429 with Retry-After and nothing forwarded, before its credentials are even checked", async () => {
    fake = await startFakeService();
    bridge = await startBridge(testConfig(fake.url, { rateLimit: { perSecond: 0.001, burst: 3 } }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(bridge.address.port, { headers: auth, body: "{}" })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const wrongPassword = await send(bridge.address.port, { headers: { ...auth, authorization: basic(USER, "guess-guess-guess") }, body: "{}" });
    expect(wrongPassword.status).toBe(429);
    expect(wrongPassword.headers["retry-after"]).toBe("1");
    expect(fake.calls).toHaveLength(3);
    expect(bridge.counters.rateLimited).toBe(3);
  });

  it("is on by default", () => {
    const config = loadConfig({ WEBHOOK_USERNAME: USER, WEBHOOK_PASSWORD: PASSWORD });
    expect(config.rateLimit.perSecond).toBeGreaterThan(0);
    fake = { close: async () => {} } as FakeService;
  });
});

describe("stored body size (finding 11)", () => {
  it("by default a 100 KiB body is refused 413 and never reaches the service's table", async () => {
    fake = await startFakeService();
    const config = loadConfig({ HOST: "127.0.0.1", PORT: "0", WEBHOOK_USERNAME: USER, WEBHOOK_PASSWORD: PASSWORD, PAYMENTS_URL: fake.url, LOG_LEVEL: "silent" });
    bridge = await startBridge(config);
    const body = `{"pad":"${"x".repeat(100 * 1024)}"}`;
    expect((await send(bridge.address.port, { headers: auth, body })).status).toBe(413);
    expect((await send(bridge.address.port, { headers: auth, body: '{"event_name":"ORDER_SUCCEEDED"}' })).status).toBe(200);
    expect(fake.calls).toHaveLength(1);
  });
});
