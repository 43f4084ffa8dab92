import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";

// Where and with what a run measured: printed above each section, since
// figures mean nothing without the machine, the versions and the date.

const require = createRequire(import.meta.url);

function packageVersion(name: string, from: string): string {
  try {
    const resolved = require.resolve(`${name}/package.json`, { paths: [from] });
    return (JSON.parse(readFileSync(resolved, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
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
    `connect-node ${packageVersion("@connectrpc/connect-node", serviceDir)}`,
    `grpc-js ${packageVersion("@grpc/grpc-js", serviceDir)}`,
    `pg ${packageVersion("pg", serviceDir)}`,
    `kysely ${packageVersion("kysely", serviceDir)}`,
  ];
  const date = new Date().toISOString().replace(/:\d\d\.\d+Z$/, "Z");
  return `Measured ${date} at commit ${commit}${dirty} on ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}; ${versions.join(", ")}.`;
}
