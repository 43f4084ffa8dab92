import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";

// One part of the benchmark stack as its own process, its output kept in a
// log file (never on the benchmark's console: the table is the output), and
// ready once it prints a given line.

export interface StackProcess {
  readonly name: string;
  readonly pid: number;
  /** Output up to and including the first line that matched `ready`. */
  readonly startupLines: readonly string[];
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface StackProcessOptions {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  ready: RegExp;
  logFile: string;
  startTimeoutMs?: number;
}

export async function startStackProcess(options: StackProcessOptions): Promise<StackProcess> {
  const child = spawn(process.execPath, options.args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(options.logFile);
  const startupLines: string[] = [];
  const tail: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start within ${(options.startTimeoutMs ?? 60_000) / 1000} s (log: ${options.logFile})`)), options.startTimeoutMs ?? 60_000);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        log.write(`${line}\n`);
        if (startupLines.length < 1_000) startupLines.push(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (options.ready.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${tail.join("\n")}`));
    });
  });
  return {
    name: options.name,
    pid: child.pid!,
    startupLines,
    logFile: options.logFile,
    stop: () => stopChild(child, exited, () => log.end()),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>, after: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(killer);
  }
  after();
}
