import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { entryBundle } from "./entry-bundle.js";
import { followProcessOutput } from "./process-output.js";
import { TEST_TOKEN, testCallersEnv } from "./test-callers.js";

// The service and the webhook bridge as separate processes, the way they are
// deployed, for tests that kill and restart them. Each runs its src/main.ts
// bundled (entry-bundle.ts): these tests start many of them.

const serviceDir = fileURLToPath(new URL("../..", import.meta.url));
const bridgeDir = fileURLToPath(new URL("../../../webhook-bridge", import.meta.url));

export interface RunningProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every output line so far (each scanned by the log scan, criterion 38). */
  lines: string[];
  /** Resolves once the process exited and all its output was read. */
  exited: Promise<number | null>;
  /** What the process printed as its address ("127.0.0.1:port"). */
  address: string;
  /** Signals the process, waits for its end, and fails if its output broke a log rule. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

async function startProcess(cwd: string, env: Record<string, string>, listening: RegExp, addressOf: (line: string) => string): Promise<RunningProcess> {
  const fullEnv = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env };
  const child = spawn(process.execPath, [await entryBundle(join(cwd, "src/main.ts"))], { cwd, env: fullEnv });
  const output = followProcessOutput(child, `${basename(cwd)} process`, fullEnv);
  const { lines, closed: exited } = output;
  const until = Date.now() + 30_000;
  for (;;) {
    const line = lines.find((l) => listening.test(l));
    if (line !== undefined) {
      return {
        child,
        lines,
        exited,
        address: addressOf(line),
        async kill(signal = "SIGKILL") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
          output.finish();
        },
      };
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`${cwd} did not start:\n${lines.join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** services/payments/src/main.ts with `env` (JUSPAY_*, database, ...). */
export function startServiceProcess(env: Record<string, string>): Promise<RunningProcess> {
  return startProcess(serviceDir, { LOG_LEVEL: "info", CALLERS: testCallersEnv(), ...env }, /payments service listening/, (line) => (JSON.parse(line) as { address: string }).address);
}

/** services/webhook-bridge/src/main.ts with `env` (PAYMENTS_URL, WEBHOOK_USERNAME, ...). */
export function startBridgeProcess(env: Record<string, string>): Promise<RunningProcess> {
  return startProcess(bridgeDir, { LOG_LEVEL: "info", PAYMENTS_TOKEN: TEST_TOKEN, ...env }, /webhook bridge listening/, (line) => {
    const parsed = JSON.parse(line) as { address?: string };
    if (parsed.address === undefined) throw new Error(`the bridge's listening line has no address: ${line}`);
    return parsed.address;
  });
}
