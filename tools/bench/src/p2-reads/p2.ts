import type { BenchContext } from "../bench-context.js";
import type { Benchmark } from "../benchmark.js";
import type { GrpcLoadResult, GrpcLoadSpec } from "../load/grpc-load.js";
import { runGrpcLoadProcess } from "../load/load-process.js";
import { sampleProcess } from "../measure/process-stats.js";
import { sampleSystemCpu } from "../measure/system-cpu.js";
import type { BenchmarkReport } from "../report/bench-report.js";
import type { BenchStack } from "../stack/bench-stack.js";
import { countOrdersWithPrefix } from "../stack/database-client.js";
import { startBareServer, type BareServerKind } from "./bare-servers.js";
import { p2Report, type P2Run } from "./p2-report.js";
import { readSampleOrder } from "./sample-order.js";
import { ORDER_PREFIX, seedOrders, type SeedResult } from "./seed-orders.js";

// P2: GetOrderStatus for terminal (CHARGED) orders, answered from Postgres,
// against the fastest bare Node gRPC server answering a message of the same
// encoded size from memory: a bare @grpc/grpc-js server and a bare
// connect-node server, measured in the same run by the same load client.
// Targets: ≥ 50% of the faster bare server's calls/s; p99 < 5 ms at half
// that load; both with 10k and with 1M orders in the table, p99 not growing.

const RUN_MS = 8_000;
const CLOSED_LOOP_CONCURRENCY = [32, 64];
/** Cap on calls in flight in the open-loop runs (far above what half load needs). */
const OPEN_LOOP_MAX_IN_FLIGHT = 64;
const TABLE_SIZES = [10_000, 1_000_000];
/** The seeded order read back and used as the bare servers' answer. */
const SAMPLE_ORDER = 4_321;

const loadSpec = (target: string, orders: number, token: string | undefined): Omit<GrpcLoadSpec, "concurrency"> => ({
  target,
  plan: { kind: "get-order-status", prefix: ORDER_PREFIX, from: 0, count: orders },
  metadata: token === undefined ? {} : { authorization: `Bearer ${token}` },
  warmupRequests: 1_000,
  maxRequests: 80_000,
  maxDurationMs: RUN_MS,
  deadlineMs: 5_000,
});

async function measureBareServer(ctx: BenchContext, stack: BenchStack, kind: BareServerKind, response: Uint8Array): Promise<P2Run[]> {
  const server = await startBareServer(kind, response, stack.logDir);
  const runs: P2Run[] = [];
  try {
    for (const concurrency of CLOSED_LOOP_CONCURRENCY) {
      ctx.progress("p2", `bare ${kind}, ${concurrency} in flight, ${RUN_MS / 1000} s`);
      const serverCpu = sampleProcess(server.pid);
      const system = sampleSystemCpu();
      const result = await runGrpcLoadProcess({ ...loadSpec(server.address, TABLE_SIZES[0]!, undefined), concurrency });
      const { cpuSeconds } = serverCpu.stop();
      const { postgresSeconds, machineBusy } = system.stop();
      runs.push({ server: `bare ${kind}`, kind: "bare", orders: null, concurrency, result, serverCpuSeconds: cpuSeconds, postgresCpuSeconds: postgresSeconds, machineBusy });
    }
  } finally {
    await server.stop();
  }
  return runs;
}

async function measureService(ctx: BenchContext, stack: BenchStack, orders: number, kind: Exclude<P2Run["kind"], "bare">, load: { concurrency: number; ratePerSecond?: number }): Promise<P2Run> {
  const label = load.ratePerSecond === undefined ? `${load.concurrency} in flight` : `${Math.round(load.ratePerSecond)} calls/s`;
  ctx.progress("p2", `service, ${orders.toLocaleString("en-US")} orders, ${label}, ${RUN_MS / 1000} s`);
  const phase = `GetOrderStatus, ${orders.toLocaleString("en-US")} orders, ${label}`;
  const result: GrpcLoadResult = await ctx.measureService("p2", phase, () => runGrpcLoadProcess({ ...loadSpec(stack.serviceAddress, orders, stack.token), ...load }));
  const measured = ctx.servicePhases.at(-1)!;
  return {
    server: "payments service",
    kind,
    orders,
    concurrency: load.concurrency,
    ...(load.ratePerSecond !== undefined && { ratePerSecond: load.ratePerSecond }),
    result,
    serverCpuSeconds: measured.cpuSeconds,
    postgresCpuSeconds: measured.postgresCpuSeconds,
    machineBusy: measured.machineBusy,
  };
}

export const p2: Benchmark = {
  id: "p2",
  title: "Reads: GetOrderStatus for terminal orders vs bare gRPC servers",
  async run(ctx): Promise<BenchmarkReport> {
    const started = performance.now();
    const stack = await ctx.stack();
    const seeds: { orders: number; seed: SeedResult }[] = [];

    ctx.progress("p2", `seeding ${TABLE_SIZES[0]!.toLocaleString("en-US")} CHARGED orders`);
    seeds.push({ orders: TABLE_SIZES[0]!, seed: await seedOrders(stack.database.url, stack.simMerchantId, 0, TABLE_SIZES[0]!) });
    const response = await readSampleOrder(stack, SAMPLE_ORDER);

    // The baselines first, while the database is idle.
    const runs: P2Run[] = [];
    for (const kind of ["grpc-js", "connect-node"] as const) runs.push(...(await measureBareServer(ctx, stack, kind, response)));
    const halfBareLoad = Math.max(...runs.map((run) => run.result.okPerSecond)) / 2;
    // p99 growth with the table's size is only visible below the service's own
    // saturation (above it, queueing is all a p99 shows): half of what the
    // service managed with the smallest table, the same rate for every size.
    let halfServiceLoad: number | undefined;

    for (const [i, orders] of TABLE_SIZES.entries()) {
      if (i > 0) {
        const before = TABLE_SIZES[i - 1]!;
        ctx.progress("p2", `seeding orders ${before.toLocaleString("en-US")}..${orders.toLocaleString("en-US")} and analyzing`);
        seeds.push({ orders, seed: await seedOrders(stack.database.url, stack.simMerchantId, before, orders) });
      }
      const closed: P2Run[] = [];
      for (const concurrency of CLOSED_LOOP_CONCURRENCY) closed.push(await measureService(ctx, stack, orders, "service", { concurrency }));
      halfServiceLoad ??= Math.max(...closed.map((run) => run.result.okPerSecond)) / 2;
      runs.push(...closed);
      runs.push(await measureService(ctx, stack, orders, "half-bare", { concurrency: OPEN_LOOP_MAX_IN_FLIGHT, ratePerSecond: halfBareLoad }));
      runs.push(await measureService(ctx, stack, orders, "half-service", { concurrency: OPEN_LOOP_MAX_IN_FLIGHT, ratePerSecond: halfServiceLoad }));
    }
    const seededRows = await countOrdersWithPrefix(stack.database.url, ORDER_PREFIX);

    return p2Report({
      title: this.title,
      runs,
      seeds,
      seededRows,
      expectedRows: TABLE_SIZES.at(-1)!,
      responseBytes: response.length,
      runSeconds: RUN_MS / 1000,
      totalSeconds: (performance.now() - started) / 1000,
    });
  },
};
