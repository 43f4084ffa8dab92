import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { constantTimeEqual, createAuthenticator, parseBasicAuth } from "../src/basic-auth.js";
import { createLogger } from "../src/logger.js";
import { startBridge, type Bridge } from "../src/server.js";
import { basic, captureLogs, PASSWORD, send, startFakeService, testConfig, USER, type FakeService } from "./helpers.js";

// Criterion 26: wrong or missing Basic auth → 401, nothing forwarded (so
// nothing stored), the failure counter +1; the comparison is constant-time,
// including when lengths differ.

const fixture = readFileSync(new URL("../../../fixtures/juspay/webhooks/txn_charged.json", import.meta.url));
const json = { "content-type": "application/json" };
const ROTATED = { username: "juspay-hooks-2027", password: "a-much-longer-rotated-password-value" };

describe("constant-time comparison", () => {
  it("compares strings of different lengths without throwing (timingSafeEqual alone would)", () => {
    expect(constantTimeEqual("short", "a much longer secret")).toBe(false);
    expect(constantTimeEqual("", "x")).toBe(false);
    expect(constantTimeEqual("same-secret", "same-secret")).toBe(true);
  });

  it("authenticator accepts only configured pairs, whatever the presented lengths", () => {
    const auth = createAuthenticator([{ username: USER, password: PASSWORD }, ROTATED], undefined);
    expect(auth.checkAuthorization(basic(USER, PASSWORD))).toBe(true);
    expect(auth.checkAuthorization(basic(ROTATED.username, ROTATED.password))).toBe(true);
    // A mixed pair (user of one, password of the other) is not a configured pair.
    expect(auth.checkAuthorization(basic(USER, ROTATED.password))).toBe(false);
    expect(auth.checkAuthorization(basic(USER, PASSWORD.slice(0, -1)))).toBe(false);
    expect(auth.checkAuthorization(basic(USER, PASSWORD + "x".repeat(500)))).toBe(false);
    expect(auth.checkAuthorization(basic("", ""))).toBe(false);
    expect(auth.checkAuthorization(undefined)).toBe(false);
    expect(auth.checkAuthorization("Bearer abc")).toBe(false);
  });

  it("parses Basic headers, keeping colons in the password", () => {
    expect(parseBasicAuth(basic("u", "p:a:ss"))).toEqual({ username: "u", password: "p:a:ss" });
    expect(parseBasicAuth("basic " + Buffer.from("u:p").toString("base64"))).toEqual({ username: "u", password: "p" });
    expect(parseBasicAuth("Basic !!!")).toBeUndefined();
    expect(parseBasicAuth("Basic " + Buffer.from("nocolon").toString("base64"))).toBeUndefined();
  });
});

describe("Basic auth over HTTP", () => {
  let fake: FakeService;
  let bridge: Bridge;
  const logs = captureLogs();

  beforeEach(async () => {
    fake = await startFakeService();
    bridge = await startBridge(testConfig(fake.url, { credentials: [{ username: USER, password: PASSWORD }, ROTATED] }), { logger: createLogger("debug", logs.sink) });
  });

  afterEach(async () => {
    await bridge.shutdown(0);
    await fake.close();
  });

  const cases: [string, Record<string, string>][] = [
    ["missing header", {}],
    ["wrong password", { authorization: basic(USER, "correct-horse-battery-stapleX") }],
    ["wrong user", { authorization: basic("juspay-hookz", PASSWORD) }],
    ["shorter credentials", { authorization: basic("j", "p") }],
    ["longer credentials", { authorization: basic(USER + "-extra-long-user", PASSWORD + "-and-a-much-longer-password") }],
    ["not Basic", { authorization: `Bearer ${PASSWORD}` }],
    ["garbage", { authorization: "Basic ###" }],
  ];
  for (const [name, headers] of cases) {
    it(`${name} → 401, nothing forwarded, failure counted`, async () => {
      const answer = await send(bridge.address.port, { headers: { ...json, ...headers }, body: fixture });
      expect(answer.status).toBe(401);
      expect(answer.headers["www-authenticate"]).toBe('Basic realm="juspay-webhooks"');
      expect(JSON.parse(answer.body)).toEqual({ error: "unauthorized" });
      expect(fake.calls).toHaveLength(0);
      expect(bridge.counters.authFailures).toBe(1);
    });
  }

  it("accepts the first and the rotated second pair", async () => {
    expect((await send(bridge.address.port, { headers: { ...json, authorization: basic(USER, PASSWORD) }, body: fixture })).status).toBe(200);
    expect((await send(bridge.address.port, { headers: { ...json, authorization: basic(ROTATED.username, ROTATED.password) }, body: fixture })).status).toBe(200);
    expect(fake.calls).toHaveLength(2);
    expect(bridge.counters.authFailures).toBe(0);
  });

  it("never logs the credentials, the Authorization header or the body", async () => {
    await send(bridge.address.port, { headers: { ...json, authorization: basic(USER, PASSWORD) }, body: fixture });
    await send(bridge.address.port, { headers: { ...json, authorization: basic(USER, "wrong-password-guess") }, body: fixture });
    fake.script = "unavailable";
    await send(bridge.address.port, { headers: { ...json, authorization: basic(ROTATED.username, ROTATED.password) }, body: fixture });
    const text = logs.text();
    expect(text).toContain('"status":401');
    expect(text).toContain('"remoteIp"');
    for (const secret of [PASSWORD, ROTATED.password, "wrong-password-guess", basic(USER, PASSWORD).slice(6), "bridge-service-token"]) {
      expect(text).not.toContain(secret);
    }
    // Something only the body holds: the transaction id of the fixture.
    const txnId = (JSON.parse(fixture.toString()) as { content: { txn: { txn_id: string } } }).content.txn.txn_id;
    expect(text).not.toContain(txnId);
  });
});

describe("required custom header", () => {
  let fake: FakeService;
  let bridge: Bridge;

  beforeEach(async () => {
    fake = await startFakeService();
    bridge = await startBridge(testConfig(fake.url, { requiredHeader: { name: "x-webhook-secret", value: "shared-header-value" } }));
  });

  afterEach(async () => {
    await bridge.shutdown(0);
    await fake.close();
  });

  it("refuses good Basic auth without the header or with a wrong value, accepts the right one and does not forward it", async () => {
    const headers = { ...json, authorization: basic(USER, PASSWORD) };
    expect((await send(bridge.address.port, { headers, body: fixture })).status).toBe(401);
    expect((await send(bridge.address.port, { headers: { ...headers, "x-webhook-secret": "shared-header-valu" }, body: fixture })).status).toBe(401);
    expect(fake.calls).toHaveLength(0);
    expect((await send(bridge.address.port, { headers: { ...headers, "X-Webhook-Secret": "shared-header-value" }, body: fixture })).status).toBe(200);
    expect(fake.calls[0]!.request.headers.map((h) => h.name.toLowerCase())).not.toContain("x-webhook-secret");
    expect(bridge.counters.authFailures).toBe(2);
  });
});
