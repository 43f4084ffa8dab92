import type { BenchmarkReport, Table } from "./bench-report.js";

// Plain-text tables for the console and Markdown for docs/benchmarks.md.

function textTable(table: Table): string {
  const widths = table.columns.map((column, i) => Math.max(column.length, ...table.rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [table.title, line(table.columns), widths.map((w) => "-".repeat(w)).join("  "), ...table.rows.map(line)].join("\n");
}

export function renderText(report: BenchmarkReport): string {
  const parts = [`== ${report.id.toUpperCase()}: ${report.title}`, ...report.tables.map(textTable)];
  if (report.verdicts.length > 0) parts.push(report.verdicts.map((v) => `${v.met ? "MET   " : "MISSED"}  ${v.target}: ${v.measured}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}

const escapeCell = (cell: string) => cell.replace(/\|/g, "\\|");

function markdownTable(table: Table): string {
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  const align = table.columns.map((_, i) => (i === 0 ? "---" : "---:"));
  return [`**${table.title}**`, "", row(table.columns), `|${align.join("|")}|`, ...table.rows.map(row)].join("\n");
}

export function renderMarkdown(report: BenchmarkReport, measuredOn: string): string {
  const parts = [`## ${report.id.toUpperCase()}: ${report.title}`, `_${measuredOn}_`, ...report.tables.map(markdownTable)];
  if (report.verdicts.length > 0) {
    parts.push(markdownTable({ title: "Targets", columns: ["target", "measured", "verdict"], rows: report.verdicts.map((v) => [v.target, v.measured, v.met ? "met" : "**missed**"]) }));
  }
  if (report.notes.length > 0) parts.push(report.notes.map((note) => `- ${note}`).join("\n"));
  return parts.join("\n\n");
}
