import { readFileSync } from "node:fs";

// `npm run bench:profile -- <file.cpuprofile>`: where a V8 CPU profile's time
// went, as self time per package (node_modules name, node: internals, our
// workspaces) and the top functions. Enough to say what limits a benchmark
// without opening DevTools.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script URL belongs to: a node_modules package, a workspace, a Node internal or V8. */
export function packageOf(url: string): string {
  if (url === "") return "(v8/native)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules !== null) return inModules[1]!;
  const workspace = /\/(services|packages|tools)\/([^/]+)\//.exec(url);
  return workspace !== null ? `${workspace[1]}/${workspace[2]}` : url;
}

export function summarizeProfile(profile: CpuProfile): { byPackage: [string, number][]; byFunction: [string, number][]; totalMs: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = nodes.get(id)!.callFrame;
    totalMs += ms;
    const pkg = packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const name = `${frame.functionName || "(anonymous)"} ${pkg}${frame.url === "" ? "" : `:${frame.lineNumber + 1}`}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { byPackage: sorted(byPackage), byFunction: sorted(byFunction), totalMs };
}

const file = process.argv[2];
if (file !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  const { byPackage, byFunction, totalMs } = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const line = ([name, ms]: [string, number]) => `${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`;
  process.stdout.write(`self time by package (of ${totalMs.toFixed(0)} ms sampled):\n${byPackage.slice(0, 25).map(line).join("\n")}\n\n`);
  process.stdout.write(`top functions by self time:\n${byFunction.slice(0, 40).map(line).join("\n")}\n`);
}
