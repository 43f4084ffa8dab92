import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { GrpcLoadResult, GrpcLoadSpec } from "./grpc-load.js";

// Runs a load generator as its own Node process (the load must not share the
// benchmark's event loop) and returns the JSON it prints last. A process
// that outlives its spec's time limit by a margin is killed: every run stops
// by itself.

const tsxArgs = ["--import", "tsx", "--conditions=@payments/source"];

export async function runLoadProcess<Result>(entryUrl: URL, spec: unknown, timeLimitMs: number): Promise<Result> {
  const child = spawn(process.execPath, [...tsxArgs, fileURLToPath(entryUrl), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeLimitMs + 30_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(killer);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`load process ${fileURLToPath(entryUrl)} failed (exit ${code}): ${stderr.trim().slice(-2000)}`);
  return JSON.parse(last) as Result;
}

export function runGrpcLoadProcess(spec: GrpcLoadSpec): Promise<GrpcLoadResult> {
  return runLoadProcess<GrpcLoadResult>(new URL("./grpc-load-main.ts", import.meta.url), spec, spec.maxDurationMs * 2);
}
