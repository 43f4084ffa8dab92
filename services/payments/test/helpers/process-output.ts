import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { captureLogs, type LogCapture } from "./log-capture.js";
import type { KnownSecret } from "./log-scan.js";
import { TEST_TOKEN } from "./test-callers.js";

// A child process's stdout and stderr, line by line, each line scanned by the
// log scan (criterion 38) as the in-process stack's logs are: services run as
// processes in tests are held to the same rules.

export interface ProcessOutput {
  /** Every output line so far (both streams). */
  lines: string[];
  capture: LogCapture;
  /** Resolves with the exit code once the process exited and all its output was read. */
  closed: Promise<number | null>;
  /** After `closed`: throws naming every rule its output broke, and stops checking it. */
  finish(): void;
}

/** Environment variables whose values are secrets the output must never show. */
const SECRET_NAME = /(?:API_KEY|PASSWORD|TOKEN|SECRET|PRIVATE_KEY)$/i;

export function followProcessOutput(child: ChildProcessWithoutNullStreams, source: string, env: Record<string, string | undefined>): ProcessOutput {
  const secrets: KnownSecret[] = [{ label: "caller token", value: TEST_TOKEN }];
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name) && value) secrets.push({ label: name, value });
  const capture = captureLogs({ source, secrets });
  const lines: string[] = [];
  const take = (line: string) => {
    lines.push(line);
    capture.receive(line);
  };
  createInterface({ input: child.stdout }).on("line", take);
  createInterface({ input: child.stderr }).on("line", take);
  // "close", not "exit": the streams are read to their end by then.
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    lines,
    capture,
    closed,
    finish() {
      try {
        capture.assertClean();
      } finally {
        capture.close();
      }
    },
  };
}
