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

export function cpuPerCallTable(runs: CpuRun[]): Table {
  return {
    title: "CPU per successful call (ms) and how busy the cores were",
    columns: ["run", "service", "PostgreSQL", "load client", "sum", "cores busy"],
    rows: runs.map(({ label, result, phase }) => {
      // The service's and Postgres's figures span the warm-up too; the load client's only the counted calls.
      const phaseCalls = result.ok + result.warmupOk;
      const service = (phase.cpuSeconds * 1000) / phaseCalls;
      const postgres = (phase.postgresCpuSeconds * 1000) / phaseCalls;
      const client = (result.cpuSeconds * 1000) / result.ok;
      return [label, fmt.ms(service), fmt.ms(postgres), fmt.ms(client), fmt.ms(service + postgres + client), fmt.percent(phase.machineBusy)];
    }),
  };
}
