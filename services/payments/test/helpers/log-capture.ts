import { Writable } from "node:stream";
import { afterEach } from "vitest";
import { describeViolations, scanLogLine, type KnownSecret, type LogViolation } from "./log-scan.js";

// Captures what a logger (or a child process) writes and scans every line as
// it arrives (criterion 38). A violation fails the test during which the line
// was written (the afterEach below); lines written after the last test are
// reported by `assertClean()` (the stack's checkLogs(), a process's kill()).

export interface LogCapture {
  /** Where the logger writes. */
  sink: Writable;
  /** Every JSON line received, parsed. */
  logs: Record<string, unknown>[];
  /** Takes one line of output that may not be JSON (a child process's stdout or stderr): scanned, and kept in `logs` if it is JSON. */
  receive(line: string): void;
  /** Throws naming every rule broken since the last check (and forgets them). */
  assertClean(): void;
  /** Stops the per-test checks (after a last assertClean()). */
  close(): void;
}

export interface CaptureOptions {
  /** Exact values that must never appear (API key, webhook password, tokens). */
  secrets?: readonly KnownSecret[];
  /** Names the logs in a report ("service", "bridge"). */
  source?: string;
}

const open = new Set<LogCapture>();

afterEach(() => {
  const reports: string[] = [];
  for (const capture of open) {
    try {
      capture.assertClean();
    } catch (err) {
      reports.push((err as Error).message);
    }
  }
  if (reports.length > 0) throw new Error(reports.join("\n"));
});

/** A stream a pino logger writes to, the parsed lines it received, and their scan. */
export function captureLogs(options: CaptureOptions = {}): LogCapture {
  const logs: Record<string, unknown>[] = [];
  let pending: { line: number; violation: LogViolation }[] = [];
  let count = 0;
  const receive = (line: string) => {
    if (!line) return;
    count++;
    for (const violation of scanLogLine(line, options.secrets)) pending.push({ line: count, violation });
    const record = parseRecord(line);
    if (record !== undefined) logs.push(record);
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) receive(line);
      done();
    },
  });
  const capture: LogCapture = {
    sink,
    logs,
    receive,
    assertClean() {
      if (pending.length === 0) return;
      const found = pending;
      pending = [];
      throw new Error(describeViolations(options.source ?? "captured", found));
    },
    close() {
      open.delete(capture);
    },
  };
  open.add(capture);
  return capture;
}

function parseRecord(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
