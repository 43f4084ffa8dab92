// What a benchmark hands back: tables of figures, verdicts against the
// issue's targets, and notes (what the figures mean, what limits them).
// Rendered to the console and to docs/benchmarks.md.

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

export interface Verdict {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchmarkReport {
  id: string;
  title: string;
  tables: Table[];
  verdicts: Verdict[];
  notes: string[];
}

/** Figures as the tables show them. */
export const fmt = {
  rate: (perSecond: number) => (Number.isFinite(perSecond) ? Math.round(perSecond).toLocaleString("en-US") : "n/a"),
  ms: (ms: number) => (Number.isFinite(ms) ? ms.toFixed(ms < 10 ? 2 : 1) : "n/a"),
  percent: (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : "n/a"),
  mb: (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(1) : "n/a"),
  count: (n: number) => n.toLocaleString("en-US"),
  /** Counts by kind ("3 UNAVAILABLE, 1 DEADLINE_EXCEEDED"), or `empty` when there are none. */
  counts: (counts: Record<string, number>, empty = "0") => {
    const entries = Object.entries(counts);
    return entries.length === 0 ? empty : entries.map(([kind, n]) => `${n} ${kind}`).join(", ");
  },
};

/** The sum of counts by kind. */
export const totalOf = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
