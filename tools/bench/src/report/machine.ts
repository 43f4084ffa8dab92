import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";

// Where and with what a run measured: printed above each section, since
// figures mean nothing without the machine, the versions and the date.

/** The version installed for `from` (its own node_modules first, then the hoisted one; exports maps may hide package.json from require). */
function packageVersion(name: string, from: string, repoRoot: string): string {
  for (const dir of [from, repoRoot]) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  }
  return "?";
}

function command(file: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "?";
  }
}

export function describeMachine(repoRoot: string, postgresVersion: string): string {
  const cpu = cpus()[0]?.model.replace(/\s+/g, " ") ?? "?";
  const serviceDir = join(repoRoot, "services/payments");
  const commit = command("git", ["rev-parse", "--short", "HEAD"], repoRoot);
  const dirty = command("git", ["status", "--porcelain", "--untracked-files=no"], repoRoot) === "" ? "" : " (with uncommitted changes)";
  const versions = [
    `Node ${process.version}`,
    `PostgreSQL ${postgresVersion}`,
    `${command("openssl", ["version"]).split(" ").slice(0, 2).join(" ")} (Node's: ${process.versions.openssl})`,
    `connect-node ${packageVersion("@connectrpc/connect-node", serviceDir, repoRoot)}`,
    `grpc-js ${packageVersion("@grpc/grpc-js", serviceDir, repoRoot)}`,
    `pg ${packageVersion("pg", serviceDir, repoRoot)}`,
    `kysely ${packageVersion("kysely", serviceDir, repoRoot)}`,
  ];
  const date = new Date().toISOString().replace(/:\d\d\.\d+Z$/, "Z");
  return `Measured ${date} at commit ${commit}${dirty} on ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}; ${versions.join(", ")}.`;
}
