import type { BenchContext } from "./bench-context.js";
import type { BenchmarkReport } from "./report/bench-report.js";

export interface Benchmark {
  id: string;
  title: string;
  /** Benchmarks that must run first in the same invocation (P5 reads P1–P3's phases). */
  needs?: string[];
  run(ctx: BenchContext): Promise<BenchmarkReport>;
}
