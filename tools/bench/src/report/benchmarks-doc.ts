import { existsSync, readFileSync, writeFileSync } from "node:fs";

// docs/benchmarks.md holds one section per benchmark between markers. A run
// replaces the sections it measured and keeps the others, so
// `npm run bench -- p1` refreshes P1 alone; each section says when and where
// it was measured.

const HEADER = `# Benchmarks

Written by \`npm run bench\` (all of them, under 10 minutes) or \`npm run bench -- p1\`
(one; \`p1\`…\`p5\`). Each benchmark runs the real stack (the payments service and
the webhook bridge from their \`tsc -b\` build, the Juspay simulator, PostgreSQL on
127.0.0.1) on a fresh database, drives it from a second process with bounded
load, and sets each figure against a baseline measured in the same run. Each
section below says when, on what and at which commit it was measured; a run
replaces only the sections it measured. How the benchmarks work:
\`tools/bench/README.md\`.
`;

const start = (id: string) => `<!-- bench:${id} -->`;
const end = (id: string) => `<!-- /bench:${id} -->`;
const SECTION = /<!-- bench:(\w+) -->([\s\S]*?)<!-- \/bench:\1 -->/g;

export function readSections(text: string): Map<string, string> {
  return new Map([...text.matchAll(SECTION)].map((match) => [match[1]!, match[2]!.trim()]));
}

/** The document with `updates` (id → Markdown) replacing or adding their sections, in the order of `ids`. */
export function mergeSections(existing: string, updates: Map<string, string>, ids: readonly string[]): string {
  const sections = readSections(existing);
  for (const [id, body] of updates) sections.set(id, body);
  const ordered = ids.filter((id) => sections.has(id)).map((id) => `${start(id)}\n${sections.get(id)}\n${end(id)}`);
  return `${HEADER}\n${ordered.join("\n\n")}\n`;
}

export function updateBenchmarksDoc(path: string, updates: Map<string, string>, ids: readonly string[]): void {
  const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
  writeFileSync(path, mergeSections(existing, updates, ids));
}
