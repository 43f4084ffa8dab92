import { Writable } from "node:stream";

/** A stream the service's pino logger writes to, and the parsed lines it received. */
export function captureLogs(): { sink: Writable; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { sink, logs };
}
