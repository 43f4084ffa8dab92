import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

// The Juspay simulator as a separate process, driven over HTTP only: this
// package and tools/juspay-sim are two independent readings of Juspay's docs
// and never import each other, tests included.

const BIN = fileURLToPath(new URL("../../../../tools/juspay-sim/bin/juspay-sim.js", import.meta.url));

export const SIM_API_KEY = "sim_test_api_key";
export const SIM_MERCHANT_ID = "sim_merchant";

/** A fault rule of the simulator's admin API (POST /__admin/faults). */
export interface SimFaultRule {
  route: string;
  fault:
    | { kind: "latency"; ms: number }
    | { kind: "status"; status: number; body?: "json" | "html" }
    | { kind: "rate_limit"; retryAfterSeconds: number }
    | { kind: "reset" }
    | { kind: "hang"; afterHandler?: boolean }
    | { kind: "malformed_json" };
  times?: number | "always";
  pathIncludes?: string;
}

export interface SimCounters {
  requests: Record<string, number>;
  uniqueRequestIdsPerOrder: Record<string, string[]>;
  /** Requests no route took (answered 404), by "METHOD /path". */
  unrouted: Record<string, number>;
}

export interface SimulatorProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Calls the simulator's admin API (/__admin/...). */
  admin(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** POST /__admin/faults. */
  faults(...rules: SimFaultRule[]): Promise<void>;
  /** GET /__admin/counters. */
  counters(): Promise<SimCounters>;
  /** POST /__admin/orders/:orderId/pay: a customer's payment attempt. */
  pay(orderId: string, body?: { outcome?: string; payment_method_type?: string; payment_method?: string; vpa?: string }): Promise<void>;
  /** POST /__admin/clock/advance (simulated ms). */
  advance(ms: number): Promise<void>;
  /** POST /__admin/reset: no state, no faults, zero counters. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(args: string[] = []): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, "--port", "0", "--api-key", SIM_API_KEY, "--merchant-id", SIM_MERCHANT_ID, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`juspay-sim did not start:\n${output.join("\n")}`)), 30_000);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        const match = /juspay-sim listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    }
    child.once("exit", (code) => reject(new Error(`juspay-sim exited (${code}):\n${output.join("\n")}`)));
  });
  const admin: SimulatorProcess["admin"] = async (method, path, body) => {
    const res = await fetch(`${url}/__admin/${path.replace(/^\//, "")}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  };
  return {
    url,
    admin,
    faults: async (...rules) => void (await admin("POST", "faults", rules)),
    counters: () => admin("GET", "counters"),
    pay: async (orderId, body = {}) => void (await admin("POST", `orders/${encodeURIComponent(orderId)}/pay`, body)),
    advance: async (ms) => void (await admin("POST", "clock/advance", { ms })),
    reset: async () => void (await admin("POST", "reset")),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
