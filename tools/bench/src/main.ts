import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BenchContext } from "./bench-context.js";
import type { Benchmark } from "./benchmark.js";
import { p1 } from "./p1-signed-payloads/p1.js";
import { p2 } from "./p2-reads/p2.js";
import { p3 } from "./p3-webhooks/p3.js";
import { p4 } from "./p4-pass-through/p4.js";
import { p5 } from "./p5-memory/p5.js";
import { updateBenchmarksDoc } from "./report/benchmarks-doc.js";
import { describeMachine } from "./report/machine.js";
import { renderMarkdown, renderText } from "./report/render.js";
import { repoRoot } from "./stack/bench-stack.js";

// `npm run bench` runs every benchmark; `npm run bench -- p1 p3` runs those
// (and what they need). Builds the service first (`tsc -b`: the benchmarks
// measure the compiled code the image runs), prints each table as it is
// measured and writes docs/benchmarks.md at the end of each benchmark.

const BENCHMARKS: Benchmark[] = [p1, p2, p3, p4, p5];

function selected(args: string[]): Benchmark[] {
  const unknown = args.filter((id) => !BENCHMARKS.some((b) => b.id === id.toLowerCase()));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(", ")}; choose from ${BENCHMARKS.map((b) => b.id).join(", ")} (none: all)\n`);
    process.exit(2);
  }
  const wanted = new Set(args.length === 0 ? BENCHMARKS.map((b) => b.id) : args.map((id) => id.toLowerCase()));
  for (const b of BENCHMARKS) if (wanted.has(b.id)) for (const need of b.needs ?? []) wanted.add(need);
  return BENCHMARKS.filter((b) => wanted.has(b.id));
}

const benchmarks = selected(process.argv.slice(2));
const started = performance.now();
const runDir = join(repoRoot, ".data", "bench", new Date().toISOString().replace(/[:.]/g, "-"));
mkdirSync(runDir, { recursive: true });
process.stderr.write(`building the service and the bridge (tsc -b)…\n`);
try {
  execFileSync(join(repoRoot, "node_modules/.bin/tsc"), ["-b", "services/payments", "services/webhook-bridge"], { cwd: repoRoot, stdio: "inherit" });
} catch {
  process.stderr.write("the build failed (above); nothing was measured\n");
  process.exit(1);
}

const ctx = new BenchContext(runDir);
let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  process.stderr.write("\ninterrupted: stopping the stack…\n");
  void ctx.close().finally(() => process.exit(130));
});

let failed = false;
try {
  process.stderr.write(`starting the stack (logs in ${join(runDir, "logs")})…\n`);
  const stack = await ctx.stack();
  const machine = describeMachine(repoRoot, stack.database.serverVersion);
  process.stdout.write(`${machine}\n\n`);
  for (const benchmark of benchmarks) {
    if (interrupted) break;
    process.stderr.write(`${benchmark.id}: ${benchmark.title}\n`);
    try {
      const report = await benchmark.run(ctx);
      process.stdout.write(`${renderText(report)}\n`);
      updateBenchmarksDoc(join(repoRoot, "docs", "benchmarks.md"), new Map([[report.id, renderMarkdown(report, machine)]]), BENCHMARKS.map((b) => b.id));
    } catch (err) {
      failed = true;
      process.stderr.write(`${benchmark.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
} finally {
  await ctx.close();
}
process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; results in docs/benchmarks.md\n`);
process.exit(failed ? 1 : 0);
