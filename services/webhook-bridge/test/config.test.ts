import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { startFakeService } from "./helpers.js";

// Configuration is validated as a whole: every bad variable is named, secret
// values are never echoed, and the process exits 78 on a bad configuration.

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  it("reads defaults and both credential sources", () => {
    const config = loadConfig({ WEBHOOK_USERNAME: "juspay", WEBHOOK_PASSWORD: "first-password", WEBHOOK_CREDENTIALS: "juspay2:second:pass, juspay3:third-password" });
    expect(config.port).toBe(8080);
    expect(config.host).toBe("127.0.0.1");
    expect(config.paymentsUrl).toBe("http://127.0.0.1:50051");
    expect(config.forwardTimeoutMs).toBe(5_000);
    expect(config.maxBodyBytes).toBe(64 * 1024);
    expect(config.rateLimit).toEqual({ perSecond: 50, burst: 200 });
    expect(config.credentials).toEqual([
      { username: "juspay", password: "first-password" },
      { username: "juspay2", password: "second:pass" },
      { username: "juspay3", password: "third-password" },
    ]);
    expect(config.requiredHeader).toBeUndefined();
  });

  it("parses the required header", () => {
    const config = loadConfig({ WEBHOOK_USERNAME: "juspay", WEBHOOK_PASSWORD: "first-password", WEBHOOK_REQUIRED_HEADER: "X-Webhook-Secret:  abc def " });
    expect(config.requiredHeader).toEqual({ name: "x-webhook-secret", value: "abc def" });
  });

  it("refuses to start without any credentials", () => {
    expect(problems({}).join("\n")).toMatch(/WEBHOOK_USERNAME: is required/);
  });

  it("names every bad variable and never echoes a secret", () => {
    const env = {
      PORT: "99999",
      WEBHOOK_USERNAME: "juspay",
      WEBHOOK_PASSWORD: "short-1",
      WEBHOOK_CREDENTIALS: "alice:tiny-pw,bob-without-password,:nouser-secret",
      WEBHOOK_REQUIRED_HEADER: "Authorization: header-secret-value",
      PAYMENTS_URL: "http://svc:url-secret-pw@payments:50051",
      PAYMENTS_TOKEN: "token with spaces secret",
      FORWARD_TIMEOUT_MS: "soon",
      MAX_BODY_BYTES: "10000000",
      HEADERS_TIMEOUT_MS: "60000",
      REQUEST_TIMEOUT_MS: "1000",
      BODY_IDLE_TIMEOUT_MS: "-1",
      RETRY_AFTER_SECONDS: "0",
      SHUTDOWN_GRACE_MS: "x",
      RATE_LIMIT_PER_SECOND: "-1",
      RATE_LIMIT_BURST: "0",
      LOG_LEVEL: "loud",
    };
    const found = problems(env);
    const text = found.join("\n");
    for (const name of Object.keys(env).filter((n) => n !== "WEBHOOK_USERNAME")) expect(text).toContain(name);
    expect(found.filter((p) => p.startsWith("WEBHOOK_CREDENTIALS"))).toHaveLength(3);
    for (const secret of ["short-1", "tiny-pw", "nouser-secret", "bob-without-password", "header-secret-value", "url-secret-pw", "token with spaces"]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("the process", () => {
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  const serviceDir = fileURLToPath(new URL("..", import.meta.url));

  it("exits 78 on a bad configuration, listing every problem without secrets", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@payments/source", main], { cwd: serviceDir, env: { PATH: process.env.PATH, WEBHOOK_PASSWORD: "leaky-secret-value", PORT: "abc" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(78);
    expect(stderr).toContain("WEBHOOK_USERNAME");
    expect(stderr).toContain("PORT");
    expect(stderr).not.toContain("leaky-secret-value");
  });

  it("serves, then stops on SIGTERM with exit 0", async () => {
    const fake = await startFakeService();
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@payments/source", main], {
      cwd: serviceDir,
      env: { PATH: process.env.PATH, PORT: "0", WEBHOOK_USERNAME: "juspay", WEBHOOK_PASSWORD: "process-password", PAYMENTS_URL: fake.url },
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    await expect.poll(() => stdout, { timeout: 15_000 }).toContain("webhook bridge listening");
    const address = (JSON.parse(stdout.split("\n")[0]!) as { address: string }).address;
    const health = await fetch(`http://${address}/healthz`);
    expect(health.status).toBe(200);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(stdout).not.toContain("process-password");
    await fake.close();
  });
});
