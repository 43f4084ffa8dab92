import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { configProblems, validConfigEnv } from "./helpers/config-problems.js";

const valid = validConfigEnv();

const problemsOf = configProblems;

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      mode: "development",
      host: "127.0.0.1",
      port: 50051,
      database: { kind: "pglite", dataDir: ".data/pglite" },
      juspay: { baseUrl: "http://127.0.0.1:8090", apiKey: "sk_test_secret_value", merchantId: "acme", apiVersion: "2023-06-30", executionStatusPath: "/orders/{order_id}" },
      shutdownGraceMs: 10_000,
      maxMessageBytes: 262_144,
    });
  });

  it("selects a real PostgreSQL server with DATABASE_URL, and memory PGlite with PGLITE_DATA_DIR=memory", () => {
    expect(loadConfig({ ...valid, DATABASE_URL: "postgres://u@db:5432/payments" }).database).toEqual({
      kind: "postgres",
      url: "postgres://u@db:5432/payments",
      poolSize: 10,
    });
    expect(loadConfig({ ...valid, PGLITE_DATA_DIR: "memory" }).database).toEqual({ kind: "pglite", dataDir: undefined });
  });

  it("reports every bad value at once, naming each variable", () => {
    const problems = problemsOf({
      PORT: "70000",
      HOST: "",
      DATABASE_URL: "mysql://x",
      JUSPAY_BASE_URL: "ftp://juspay",
      JUSPAY_MERCHANT_ID: "bad id!",
      JUSPAY_API_VERSION: "yesterday",
      JUSPAY_EXECUTION_STATUS_PATH: "/txns/v2/orders",
      LOG_LEVEL: "loud",
      PAYMENTS_ENV: "staging",
    });
    const names = problems.map((p) => p.split(":")[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        "PORT",
        "DATABASE_URL",
        "JUSPAY_BASE_URL",
        "JUSPAY_API_KEY",
        "JUSPAY_MERCHANT_ID",
        "JUSPAY_API_VERSION",
        "JUSPAY_EXECUTION_STATUS_PATH",
        "LOG_LEVEL",
        "PAYMENTS_ENV",
      ]),
    );
    expect(problems.find((p) => p.startsWith("PORT"))).toContain("0 to 65535");
    expect(problems.find((p) => p.startsWith("JUSPAY_EXECUTION_STATUS_PATH"))).toContain("{order_id}");
  });

  it("never echoes secret values", () => {
    const problems = problemsOf({
      ...valid,
      JUSPAY_BASE_URL: "https://user:hunter2@juspay.example",
      DATABASE_URL: "postgres-with-typo://admin:s3cr3t@db/payments",
    });
    expect(problems.length).toBe(2);
    expect(problems.join("\n")).not.toMatch(/hunter2|s3cr3t/);
  });

  it("requires a real database and a signing key in production", () => {
    expect(problemsOf({ ...valid, PAYMENTS_ENV: "production", JUSPAY_BASE_URL: "https://api.juspay.in" })).toEqual([
      expect.stringMatching(/^JUSPAY_SIGNING_KEY: is required/),
      expect.stringMatching(/^DATABASE_URL: required/),
    ]);
  });

  it("reads the RPC port's timeouts and connection cap, with their defaults; a request timeout shorter than the headers timeout is refused", () => {
    expect(loadConfig(valid).connections).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 65_000, keepAliveIntervalMs: 30_000, maxConnections: 2_000 });
    const set = { RPC_HEADERS_TIMEOUT_MS: "5000", RPC_REQUEST_TIMEOUT_MS: "20000", RPC_IDLE_TIMEOUT_MS: "120000", RPC_KEEPALIVE_INTERVAL_MS: "15000", RPC_MAX_CONNECTIONS: "500" };
    expect(loadConfig({ ...valid, ...set }).connections).toEqual({ headersTimeoutMs: 5_000, requestTimeoutMs: 20_000, idleTimeoutMs: 120_000, keepAliveIntervalMs: 15_000, maxConnections: 500 });
    expect(problemsOf({ ...valid, RPC_HEADERS_TIMEOUT_MS: "20000", RPC_REQUEST_TIMEOUT_MS: "10000", RPC_MAX_CONNECTIONS: "0" })).toEqual([
      expect.stringMatching(/^RPC_MAX_CONNECTIONS: /),
      "RPC_REQUEST_TIMEOUT_MS: must be at least RPC_HEADERS_TIMEOUT_MS (a request's headers are part of it)",
    ]);
  });

  it("reads the payments settings with their defaults", () => {
    const config = loadConfig({ ...valid, RETURN_URL_ALLOWED_ORIGINS: "https://shop.example.com, https://m.example.com/" });
    expect(config.payments).toMatchObject({
      clientId: "acme_android",
      sdkEnvironment: "sandbox",
      defaultFlavour: "signature",
      signingKeys: [],
      returnUrlOrigins: ["https://shop.example.com", "https://m.example.com"],
      refundSyncDelayMs: 60_000,
      idempotencyRetentionMs: 86_400_000,
    });
    expect(config.jobs).toEqual({ enabled: true, pollIntervalMs: 1_000, concurrency: 10, timeoutMs: 60_000, rescueAfterMs: 30_000 });
  });

  it("writes language english into signed payloads (Juspay's sample) unless JUSPAY_SDK_LANGUAGE says otherwise", () => {
    expect(loadConfig(valid).payments.sdkLanguage).toBe("english");
    expect(loadConfig({ ...valid, JUSPAY_SDK_LANGUAGE: "hindi" }).payments.sdkLanguage).toBe("hindi");
    const problems = problemsOf({ ...valid, JUSPAY_SDK_LANGUAGE: "Hindi!" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JUSPAY_SDK_LANGUAGE: /);
  });

  it("enables only currencies in the ISO 4217 table: an unknown code is a configuration problem", () => {
    const problems = problemsOf({ ...valid, ENABLED_CURRENCIES: "INR,ABC" });
    expect(problems).toEqual([expect.stringMatching(/^ENABLED_CURRENCIES: "ABC"/)]);
    expect(loadConfig({ ...valid, ENABLED_CURRENCIES: "INR,JPY" }).payments.currencies).toEqual(["INR", "JPY"]);
  });

  it("keeps amount changes refused for at least the signed payload's promised life (JUSPAY_SIGNED_PAYLOAD_WINDOW_MS)", () => {
    expect(loadConfig(valid).payments.signedPayloadWindowMs).toBe(16 * 60_000);
    expect(loadConfig({ ...valid, JUSPAY_SIGNED_PAYLOAD_WINDOW_MS: "1800000" }).payments.signedPayloadWindowMs).toBe(30 * 60_000);
    const problems = problemsOf({ ...valid, JUSPAY_SIGNED_PAYLOAD_WINDOW_MS: "60000" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JUSPAY_SIGNED_PAYLOAD_WINDOW_MS: /);
  });

  it("reads how a second SESSION-flavour call for an order is answered (PAYLOAD_SESSION_*), with their defaults", () => {
    expect(loadConfig(valid).payments.sessionReuse).toEqual({ reuse: true, minValidityMs: 300_000, fallback: "signature" });
    const set = { PAYLOAD_SESSION_REUSE: "off", PAYLOAD_SESSION_REUSE_MIN_VALIDITY_MS: "60000", PAYLOAD_SESSION_FALLBACK: "refuse" };
    expect(loadConfig({ ...valid, ...set }).payments.sessionReuse).toEqual({ reuse: false, minValidityMs: 60_000, fallback: "refuse" });
    const problems = problemsOf({ ...valid, PAYLOAD_SESSION_REUSE: "yes", PAYLOAD_SESSION_REUSE_MIN_VALIDITY_MS: "-1", PAYLOAD_SESSION_FALLBACK: "retry" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["PAYLOAD_SESSION_FALLBACK", "PAYLOAD_SESSION_REUSE", "PAYLOAD_SESSION_REUSE_MIN_VALIDITY_MS"]);
  });

  it("creates Juspay customers before their first mandate unless JUSPAY_IMPLICIT_CUSTOMERS=true says the account does it", () => {
    expect(loadConfig(valid).payments.implicitCustomers).toBe(false);
    expect(loadConfig({ ...valid, JUSPAY_IMPLICIT_CUSTOMERS: "true" }).payments.implicitCustomers).toBe(true);
    expect(loadConfig({ ...valid, JUSPAY_IMPLICIT_CUSTOMERS: "false" }).payments.implicitCustomers).toBe(false);
    const problems = problemsOf({ ...valid, JUSPAY_IMPLICIT_CUSTOMERS: "yes" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JUSPAY_IMPLICIT_CUSTOMERS: /);
  });

  it("enables INR alone unless ENABLED_CURRENCIES names ISO 4217 codes Juspay's amounts can carry", () => {
    expect(loadConfig(valid).payments.currencies).toEqual(["INR"]);
    expect(loadConfig({ ...valid, ENABLED_CURRENCIES: "INR, USD" }).payments.currencies).toEqual(["INR", "USD"]);
    const problems = problemsOf({ ...valid, ENABLED_CURRENCIES: "INR,usd,KWD" });
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => p.startsWith("ENABLED_CURRENCIES"))).toBe(true);
  });

  it("accepts only https host origins for return URLs", () => {
    const problems = problemsOf({ ...valid, RETURN_URL_ALLOWED_ORIGINS: "http://shop.example.com,https://127.0.0.1,https://localhost,https://a.example.com/path,https://ok.example.com" });
    expect(problems).toHaveLength(4);
    expect(problems.every((p) => p.startsWith("RETURN_URL_ALLOWED_ORIGINS"))).toBe(true);
  });

  it("needs a key id and a PEM with a signing key, and never echoes the key", () => {
    const problems = problemsOf({ ...valid, JUSPAY_SIGNING_KEY: "not-a-pem-secret-material" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["JUSPAY_SIGNING_KEY", "JUSPAY_SIGNING_KEY_ID"]);
    expect(problems.join("\n")).not.toContain("secret-material");
  });
});
