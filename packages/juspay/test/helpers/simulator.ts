import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

// The Juspay simulator as a separate process, driven over HTTP only: this
// package and tools/juspay-sim are two independent readings of Juspay's docs
// and never import each other, tests included.

const BIN = fileURLToPath(new URL("../../../../tools/juspay-sim/bin/juspay-sim.js", import.meta.url));

export const SIM_API_KEY = "sim_test_api_key";
export const SIM_MERCHANT_ID = "sim_merchant";

export interface SimulatorProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Calls the simulator's admin API (/__admin/...). */
  admin(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
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
  return {
    url,
    async admin(method, path, body) {
      const res = await fetch(`${url}/__admin/${path.replace(/^\//, "")}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
      return text === "" ? undefined : JSON.parse(text);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
