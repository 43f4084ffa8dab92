import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// The CLI as users run it: `node bin/juspay-sim.js …` (compiled dist/ when
// built, else the sources through tsx).

const BIN = fileURLToPath(new URL("../bin/juspay-sim.js", import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function run(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Starts the CLI and resolves with its URL once it prints that it listens. */
async function start(args: string[]): Promise<Run & { url: string }> {
  const r = run(["--port", "0", ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s:\n${r.stdout()}\n${r.stderr()}`)), 20_000);
    r.child.stdout!.on("data", () => {
      const m = /juspay-sim listening on (http:\/\/\S+)/.exec(r.stdout());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void r.exited.then(({ code }) => reject(new Error(`exited with ${code}:\n${r.stderr()}`)));
  });
  return { ...r, url };
}

async function stop(r: Run, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  r.child.kill(signal);
  return (await r.exited).code;
}

describe("juspay-sim CLI", () => {
  it("prints the effective settings and every route, serves, and stops on SIGTERM", async () => {
    const r = await start([
      "--host", "127.0.0.1",
      "--api-key", "key_cli",
      "--merchant-id", "m_cli",
      "--client-id", "c_cli",
      "--webhook-url", "http://127.0.0.1:9/hook",
      "--webhook-username", "hookuser",
      "--webhook-password", "hunter2-secret",
      "--webhook-header", "X-Env: ci",
      "--webhook-header", "X-Token:tok-secret",
      "--time-scale", "60",
    ]);
    const out = r.stdout();
    expect(out).toMatch(/api key\s+key_cli/);
    expect(out).toMatch(/merchant id\s+m_cli/);
    expect(out).toMatch(/client id\s+c_cli/);
    expect(out).toMatch(/webhook url\s+http:\/\/127\.0\.0\.1:9\/hook/);
    expect(out).toMatch(/webhook auth\s+hookuser \/ \*{8}/);
    expect(out).toMatch(/webhook headers\s+X-Env: \*\*\*, X-Token: \*\*\*/);
    expect(out).toMatch(/time scale\s+60 /);
    expect(out).toMatch(/customers\s+strict \(a mandate needs a created customer\)/);
    expect(out).not.toMatch(/hunter2|tok-secret/);
    expect(out).toMatch(/METHOD\s+PATH\s+NAME/);
    expect(out).toMatch(/GET\s+\/__admin\/health\s+admin_health/);
    expect(out).toMatch(/POST\s+\/__admin\/orders\/:orderId\/pay\s+admin_order_pay/);
    expect(out.trimEnd().endsWith(`juspay-sim listening on ${r.url}`)).toBe(true);

    expect(await (await fetch(`${r.url}/__admin/health`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${r.url}/__admin/clock`)).json()).toMatchObject({ timeScale: 60 });
    const settings = await (await fetch(`${r.url}/__admin/webhooks/settings`)).json();
    expect(settings).toMatchObject({ url: "http://127.0.0.1:9/hook", username: "hookuser", password: "***", headers: { "X-Env": "***", "X-Token": "***" } });

    expect(await stop(r)).toBe(0);
    expect(r.stdout()).toMatch(/SIGTERM, shutting down\njuspay-sim stopped\n$/);
  });

  it("--implicit-customers lets a mandate order create its unknown customer", async () => {
    const r = await start(["--implicit-customers"]);
    expect(r.stdout()).toMatch(/customers\s+implicit \(a mandate creates an unknown customer\)/);
    const res = await fetch(`${r.url}/orders`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("sim_test_api_key:").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ order_id: "cliimplicit1", amount: "1.00", customer_id: "cust_cli_implicit", "options.create_mandate": "REQUIRED", "mandate.max_amount": "100.00", "mandate.frequency": "ASPRESENTED" }),
    });
    expect(res.status).toBe(200);
    expect(await stop(r)).toBe(0);
  });

  it("saves the state file on SIGINT and loads it on the next start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "juspay-sim-cli-"));
    try {
      const file = join(dir, "state.json");
      const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
      const first = await start(["--state-file", file]);
      expect(first.stdout()).toMatch(new RegExp(`state file\\s+${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      await fetch(`${first.url}/__admin/merchant-keys`, { method: "POST", body: JSON.stringify({ keyId: "k1", publicKeyPem: pem }) });
      expect(await stop(first, "SIGINT")).toBe(0);
      expect(first.stdout()).toContain(`(state saved to ${file})`);

      const second = await start(["--state-file", file]);
      const state = (await (await fetch(`${second.url}/__admin/state`)).json()) as { merchantKeys: Record<string, string> };
      expect(state.merchantKeys).toEqual({ k1: pem });
      expect(await stop(second)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("still saves the state file and exits 0 when a second signal arrives while it closes (Ctrl-C under npm start: SIGINT from the terminal, SIGTERM from npm start)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "juspay-sim-cli-"));
    try {
      const file = join(dir, "state.json");
      const r = await start(["--state-file", file]);
      // An answer means the process is back in its event loop, past installing its signal handlers
      // (they come right after the banner it prints).
      await fetch(`${r.url}/__admin/health`);
      r.child.kill("SIGINT");
      r.child.kill("SIGTERM");
      expect((await r.exited).code).toBe(0);
      expect(r.stdout()).toContain(`(state saved to ${file})`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("--help prints usage and exits 0", async () => {
    const r = run(["--help"]);
    expect((await r.exited).code).toBe(0);
    for (const flag of ["--port", "--host", "--api-key", "--merchant-id", "--client-id", "--webhook-url", "--webhook-username", "--webhook-password", "--webhook-header", "--time-scale", "--state-file", "--lenient-get-content-type", "--serve-execution-status-path", "--help"]) {
      expect(r.stdout()).toContain(flag);
    }
  });

  it("reports every bad flag value at once and exits 2", async () => {
    const r = run(["--port", "http", "--time-scale=-1", "--webhook-url", "localhost:3000", "--webhook-header", "NoColon", "--api-key", ""]);
    expect((await r.exited).code).toBe(2);
    const err = r.stderr();
    expect(err).toContain('juspay-sim: --port must be an integer 0..65535, got "http"');
    expect(err).toContain('juspay-sim: --time-scale must be a number > 0, got "-1"');
    expect(err).toContain("juspay-sim: --webhook-url: webhook url must be an http:// or https:// URL");
    expect(err).toContain('juspay-sim: --webhook-header: expected name:value, got "NoColon"');
    expect(err).toContain("juspay-sim: --api-key must not be empty");
    expect(err).toContain("Run juspay-sim --help for usage.");
    expect(r.stdout()).toBe("");
  });

  it("rejects unknown flags and stray arguments with exit 2", async () => {
    const [unknown, stray] = [run(["--prot", "80"]), run(["serve"])];
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toMatch(/Unknown option '--prot'/);
    expect((await stray.exited).code).toBe(2);
    expect(stray.stderr()).toMatch(/juspay-sim: .*serve/);
  });

  it("exits 1 when it cannot start (port taken, corrupt state file)", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const dir = await mkdtemp(join(tmpdir(), "juspay-sim-cli-"));
    try {
      const port = (blocker.address() as { port: number }).port;
      await writeFile(join(dir, "bad.json"), "{");
      const [taken, corrupt] = [run(["--port", String(port)]), run(["--port", "0", "--state-file", join(dir, "bad.json")])];
      expect((await taken.exited).code).toBe(1);
      expect(taken.stderr()).toMatch(/cannot start: .*EADDRINUSE/);
      expect((await corrupt.exited).code).toBe(1);
      expect(corrupt.stderr()).toMatch(/cannot start: .*JSON/);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
