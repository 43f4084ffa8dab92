import { readdirSync, readFileSync } from "node:fs";
import { processCpuSeconds } from "./process-stats.js";

// CPU used by the whole machine and by PostgreSQL (every `postgres` process:
// the backends serving the service's pool and the background writers), so a
// benchmark can say where each call's CPU went and how busy the cores were.

const CLOCK_TICKS_PER_SECOND = 100;

function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

function postgresCpuSeconds(): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of postgresPids()) {
    try {
      used.set(pid, processCpuSeconds(pid));
    } catch {
      // Exited meanwhile.
    }
  }
  return used;
}

/** Busy and total CPU seconds of the machine since boot (all cores). */
function machineCpuSeconds(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

export interface SystemCpu {
  /** CPU seconds used by PostgreSQL processes (those that existed at the start or appeared since: new backends count from zero). */
  postgresSeconds: number;
  /** Share of all cores that was busy, 0..1. */
  machineBusy: number;
}

export function sampleSystemCpu(): { stop(): SystemCpu } {
  const postgresStart = postgresCpuSeconds();
  const machineStart = machineCpuSeconds();
  return {
    stop() {
      let postgresSeconds = 0;
      for (const [pid, seconds] of postgresCpuSeconds()) postgresSeconds += seconds - (postgresStart.get(pid) ?? 0);
      const machine = machineCpuSeconds();
      const total = machine.total - machineStart.total;
      return { postgresSeconds, machineBusy: total > 0 ? (machine.busy - machineStart.busy) / total : Number.NaN };
    },
  };
}
