import { readFileSync } from "node:fs";

// What Linux says about a process (/proc): resident memory now and at its
// peak, and CPU time used, for the service's memory and CPU figures.

export interface ProcessMemory {
  rssBytes: number;
  /** VmHWM: the highest resident size since the process started. */
  peakRssBytes: number;
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status);
  if (match === null) throw new Error(`/proc status has no ${name}`);
  return Number(match[1]) * 1024;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return { rssBytes: statusField(status, "VmRSS"), peakRssBytes: statusField(status, "VmHWM") };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds the process has used (it and not its children). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** Samples a process's resident size until stopped; reports the highest seen and the CPU used meanwhile. */
export function sampleProcess(pid: number, intervalMs = 100): { stop(): { peakRssBytes: number; cpuSeconds: number } } {
  const cpuStart = processCpuSeconds(pid);
  let peak = processMemory(pid).rssBytes;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, processMemory(pid).rssBytes);
    } catch {
      // The process exited; the last reading stands.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      let cpuSeconds = Number.NaN;
      try {
        peak = Math.max(peak, processMemory(pid).rssBytes);
        cpuSeconds = processCpuSeconds(pid) - cpuStart;
      } catch {
        // Exited: no final reading.
      }
      return { peakRssBytes: peak, cpuSeconds };
    },
  };
}
