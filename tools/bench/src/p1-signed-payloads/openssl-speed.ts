import { execFile } from "node:child_process";
import { promisify } from "node:util";

// The machine's raw RSA-2048 signing rate as OpenSSL measures it on every
// core at once (`openssl speed -multi N rsa2048`).

const run = promisify(execFile);

/** Signs per second from `openssl speed`'s "rsa 2048 bits <sign s> <verify s> <sign/s> <verify/s>" line. */
export function parseOpensslSignRate(output: string): number {
  const match = /^rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+[\d.]+\s*$/m.exec(output);
  if (match === null) throw new Error(`no "rsa 2048 bits" line in openssl speed's output:\n${output.slice(-500)}`);
  return Number(match[1]);
}

export async function opensslSignRate(cores: number, seconds: number): Promise<number> {
  const { stdout } = await run("openssl", ["speed", "-multi", String(cores), "-seconds", String(seconds), "rsa2048"], { timeout: (seconds * 4 + 30) * 1000 });
  return parseOpensslSignRate(stdout);
}
