import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStackProcess, type StackProcess } from "../stack/child-process.js";
import { repoRoot } from "../stack/bench-stack.js";

// Starts a bare baseline server as its own process (never in the
// benchmark's: it must not share an event loop with anything), answering
// with the given encoded response. tsx only loads the file; what runs is the
// same JavaScript the libraries ship.

export type BareServerKind = "grpc-js" | "connect-node";

const ENTRY: Record<BareServerKind, string> = {
  "grpc-js": "bare-grpc-js-server.ts",
  "connect-node": "bare-connect-server.ts",
};

export interface BareServer {
  readonly kind: BareServerKind;
  /** host:port, plaintext HTTP/2. */
  readonly address: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startBareServer(kind: BareServerKind, response: Uint8Array, logDir: string): Promise<BareServer> {
  const entry = fileURLToPath(new URL(`./${ENTRY[kind]}`, import.meta.url));
  const child: StackProcess = await startStackProcess({
    name: `bare-${kind}`,
    args: ["--import", "tsx", "--conditions=@payments/source", entry, Buffer.from(response).toString("base64")],
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "" },
    ready: /^listening on \d+$/,
    logFile: join(logDir, `bare-${kind}.log`),
    startTimeoutMs: 30_000,
  });
  const port = /^listening on (\d+)$/.exec(child.startupLines.at(-1)!)![1]!;
  return { kind, address: `127.0.0.1:${port}`, pid: child.pid, stop: () => child.stop() };
}
