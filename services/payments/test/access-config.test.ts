import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../src/auth/callers.js";
import { loadConfig } from "../src/config.js";
import { configProblems } from "./helpers/config-problems.js";

// Who may call is configuration (CALLERS_FILE or CALLERS): required in every
// mode, checked as a whole, never echoed. Production refuses a development
// Juspay (the simulator's URL, a loopback address, a test key).

const base = { JUSPAY_BASE_URL: "http://127.0.0.1:8090/", JUSPAY_API_KEY: "sk_live_value", JUSPAY_MERCHANT_ID: "acme", JUSPAY_CLIENT_ID: "acme_android" };
const hash = sha256Hex("a-token-for-tests-0123456789");
const callers = (list: unknown[]) => JSON.stringify({ callers: list });

const problemsOf = configProblems;

const dir = mkdtempSync(join(tmpdir(), "callers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("callers", () => {
  it("are required: without them the service does not start", () => {
    expect(problemsOf(base)).toEqual([expect.stringMatching(/^CALLERS_FILE: is required/)]);
  });

  it("are read from a file or inline, with scopes, several token hashes, customer scoping and quotas", () => {
    const doc = callers([
      { id: "mobile-bff", scopes: ["payloads.write", "orders.read"], token_sha256: [hash], customer_scoped: true, rate_limit: { per_second: 50, burst: 100 } },
      { id: "billing", scopes: ["refunds.write"], token_sha256: [sha256Hex("old-token-0123456789"), sha256Hex("new-token-0123456789")] },
    ]);
    const file = join(dir, "callers.json");
    writeFileSync(file, doc);
    for (const env of [{ CALLERS_FILE: file }, { CALLERS: doc }]) {
      const { access } = loadConfig({ ...base, ...env });
      expect(access.callers.map((c) => [c.id, [...c.scopes], c.tokenSha256.length, c.customerScoped, c.rateLimit])).toEqual([
        ["mobile-bff", ["payloads.write", "orders.read"], 1, true, { perSecond: 50, burst: 100 }],
        ["billing", ["refunds.write"], 2, false, { perSecond: 200, burst: 400 }],
      ]);
      expect(access.limits).toEqual({ unary: 256, webhooks: 64, streams: 1_000, eventStreams: 100, callerSharePercent: 25, maxStreamLifetimeMs: 900_000 });
    }
  });

  it("reports every broken entry by position, never a value", () => {
    const problems = problemsOf({
      ...base,
      CALLERS: callers([
        { id: "Bad Id", scopes: [], token_sha256: [hash] },
        { id: "ok", scopes: ["orders.read", "everything"], token_sha256: ["not-a-hash"] },
        { id: "bff", scopes: ["refunds.write"], token_sha256: [sha256Hex("x-token-0123456789")], customer_scoped: true },
        { id: "twin", scopes: ["orders.read"], token_sha256: [sha256Hex("x-token-0123456789")] },
      ]),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^CALLERS: callers\[0\]\.id must be/),
      expect.stringMatching(/^CALLERS: callers\[1\]\.scopes must list scopes from/),
      expect.stringMatching(/^CALLERS: callers\[1\]\.token_sha256 must list/),
      expect.stringMatching(/^CALLERS: callers\[2\]: a customer-scoped caller may only hold/),
      expect.stringMatching(/^CALLERS: callers\[3\]\.token_sha256 repeats a token of another caller/),
    ]);
    expect(problemsOf({ ...base, CALLERS: "{not json" })).toEqual(["CALLERS: is not valid JSON"]);
    expect(problemsOf({ ...base, CALLERS_FILE: join(dir, "missing.json") })).toEqual(["CALLERS_FILE: cannot be read"]);
  });
});

describe("TLS", () => {
  it("needs both the certificate and its key; a client CA only with them; each file must hold its PEM", () => {
    const doc = callers([{ id: "svc", scopes: ["orders.read"], token_sha256: [hash] }]);
    const cert = join(dir, "server.crt");
    writeFileSync(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    const notKey = join(dir, "not-a-key.pem");
    writeFileSync(notKey, "hello");
    expect(problemsOf({ ...base, CALLERS: doc, TLS_CERT_FILE: cert })).toEqual(["TLS_KEY_FILE: set both TLS_CERT_FILE and TLS_KEY_FILE, or neither"]);
    expect(problemsOf({ ...base, CALLERS: doc, TLS_CLIENT_CA_FILE: cert })).toEqual(["TLS_CLIENT_CA_FILE: needs TLS_CERT_FILE and TLS_KEY_FILE"]);
    expect(problemsOf({ ...base, CALLERS: doc, TLS_CERT_FILE: cert, TLS_KEY_FILE: notKey })).toEqual(["TLS_KEY_FILE: does not hold the expected PEM block"]);
    expect(loadConfig({ ...base, CALLERS: doc }).access.tls).toBeUndefined();
  });

  it("lets a caller authenticate by typed client certificate identities instead of tokens", () => {
    const identities = ["URI:spiffe://cluster/ns/billing/sa/billing", "DNS:billing.payments.svc", "CN=billing"];
    const { access } = loadConfig({ ...base, CALLERS: callers([{ id: "billing", scopes: ["orders.read"], client_cert_identities: identities }]) });
    expect(access.callers[0]?.clientCertIdentities).toEqual(identities);
    expect(problemsOf({ ...base, CALLERS: callers([{ id: "nobody", scopes: ["orders.read"] }]) })).toEqual([expect.stringMatching(/token_sha256 must list one or more .* \(or give client_cert_identities\)/)]);
  });
});

describe("client certificate identities", () => {
  it("must name their field (URI:, DNS: or CN=): an untyped entry is refused at load, naming where it is, not guessed", () => {
    const doc = callers([{ id: "billing", scopes: ["orders.read"], client_cert_identities: ["URI:spiffe://cluster/ns/billing/sa/billing", "spiffe://cluster/ns/billing/sa/billing", "uri:x", "CN:billing", "DNS:"] }]);
    const problems = problemsOf({ ...base, CALLERS: doc });
    expect(problems).toEqual([1, 2, 3, 4].map((j) => expect.stringMatching(new RegExp(`^CALLERS: callers\\[0\\]\\.client_cert_identities\\[${j}\\] must name its certificate field: "URI:<uri>"`))));
    expect(problems.join("\n")).not.toContain("spiffe://cluster");
  });

  it("each name one caller", () => {
    const doc = callers([
      { id: "billing", scopes: ["orders.read"], client_cert_identities: ["URI:spiffe://x/billing"] },
      { id: "billing-too", scopes: ["refunds.write"], client_cert_identities: ["URI:spiffe://x/billing"] },
    ]);
    expect(problemsOf({ ...base, CALLERS: doc })).toEqual(["CALLERS: callers[1].client_cert_identities[0] is listed twice (an identity names one caller)"]);
  });
});

describe("production", () => {
  const production = { ...base, PAYMENTS_ENV: "production", DATABASE_URL: "postgres://db/payments", PAYLOAD_FLAVOUR: "session", CALLERS: callers([{ id: "svc", scopes: ["orders.read"], token_sha256: [hash] }]) };

  it("refuses the simulator's URL, a loopback or plain-http Juspay, and a test key", () => {
    expect(problemsOf({ ...production, JUSPAY_API_KEY: "sim_test_api_key" })).toEqual([
      expect.stringMatching(/^JUSPAY_BASE_URL: must be Juspay's https API in production/),
      expect.stringMatching(/^JUSPAY_API_KEY: looks like a simulator or test key/),
    ]);
    expect(problemsOf({ ...production, JUSPAY_BASE_URL: "https://localhost:8443" })).toEqual([expect.stringMatching(/^JUSPAY_BASE_URL/)]);
    expect(problemsOf({ ...production, JUSPAY_BASE_URL: "https://api.juspay.in" })).toEqual([]);
  });

  it("never echoes the key it refuses", () => {
    expect(problemsOf({ ...production, JUSPAY_API_KEY: "test_very_secret_key_value" }).join("\n")).not.toContain("very_secret");
  });
});
