import type { ServicePhase } from "../bench-context.js";
import type { GrpcLoadResult } from "../load/grpc-load.js";
import { fmt, type Table } from "./bench-report.js";

// Where each call's CPU went, across the processes sharing the machine's
// cores: the service (main thread and thread pool), PostgreSQL and the load
// client. With every core busy, throughput ≈ cores ÷ the sum: the table says
// what a target on a shared machine is up against.

export interface CpuRun {
  label: string;
  result: GrpcLoadResult;
  phase: ServicePhase;
}

/**
 * CPU milliseconds per successful call. The server's and Postgres's figures
 * span the warm-up too (they are sampled around the whole load process), so
 * they are divided by the warm-up's successes as well; the load client's
 * covers only the counted calls.
 */
export function cpuPerCall(result: GrpcLoadResult, serverCpuSeconds: number, postgresCpuSeconds: number): { server: number; postgres: number; client: number } {
  const sampledCalls = result.ok + result.warmupOk;
  return {
    server: (serverCpuSeconds * 1000) / sampledCalls,
    postgres: (postgresCpuSeconds * 1000) / sampledCalls,
    client: (result.cpuSeconds * 1000) / result.ok,
  };
}

export function cpuPerCallTable(runs: CpuRun[]): Table {
  return {
    title: "CPU per successful call (ms) and how busy the cores were",
    columns: ["run", "service", "PostgreSQL", "load client", "sum", "cores busy"],
    rows: runs.map(({ label, result, phase }) => {
      const { server, postgres, client } = cpuPerCall(result, phase.cpuSeconds, phase.postgresCpuSeconds);
      return [label, fmt.ms(server), fmt.ms(postgres), fmt.ms(client), fmt.ms(server + postgres + client), fmt.percent(phase.machineBusy)];
    }),
  };
}
