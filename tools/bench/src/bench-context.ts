import { scrapeEventLoopDelayP99Ms } from "./measure/event-loop.js";
import { sampleProcess } from "./measure/process-stats.js";
import { sampleSystemCpu } from "./measure/system-cpu.js";
import { startBenchStack, type BenchStack } from "./stack/bench-stack.js";

// What benchmarks share within one run: one stack (started on first use, so
// P5 sees the same service process through P1–P3), progress output, and the
// service's memory, CPU and event-loop delay per measured phase.

export interface ServicePhase {
  benchmark: string;
  phase: string;
  seconds: number;
  peakRssBytes: number;
  eventLoopP99Ms: number;
  /** CPU seconds: the service process (main thread and its thread pool), and PostgreSQL. */
  cpuSeconds: number;
  postgresCpuSeconds: number;
  /** Share of the machine's cores that was busy, 0..1. */
  machineBusy: number;
}

export class BenchContext {
  readonly servicePhases: ServicePhase[] = [];
  private stackStarted: Promise<BenchStack> | undefined;

  constructor(readonly runDir: string) {}

  stack(): Promise<BenchStack> {
    this.stackStarted ??= startBenchStack(this.runDir);
    return this.stackStarted;
  }

  progress(benchmark: string, message: string): void {
    process.stderr.write(`  [${benchmark}] ${message}\n`);
  }

  /** Runs `measured` while sampling the service: resident size, CPU and event-loop delay over exactly that phase. */
  async measureService<T>(benchmark: string, phase: string, measured: () => Promise<T>): Promise<T> {
    const stack = await this.stack();
    await scrapeEventLoopDelayP99Ms(stack.metricsUrl); // resets the delay histogram
    const sampler = sampleProcess(stack.servicePid);
    const system = sampleSystemCpu();
    const started = performance.now();
    try {
      return await measured();
    } finally {
      const { peakRssBytes, cpuSeconds } = sampler.stop();
      const { postgresSeconds: postgresCpuSeconds, machineBusy } = system.stop();
      const eventLoopP99Ms = await scrapeEventLoopDelayP99Ms(stack.metricsUrl).catch(() => Number.NaN);
      this.servicePhases.push({ benchmark, phase, seconds: (performance.now() - started) / 1000, peakRssBytes, eventLoopP99Ms, cpuSeconds, postgresCpuSeconds, machineBusy });
    }
  }

  async close(): Promise<void> {
    if (this.stackStarted === undefined) return;
    const stack = await this.stackStarted.catch(() => undefined);
    await stack?.stop();
  }
}
