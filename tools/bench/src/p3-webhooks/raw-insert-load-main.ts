import { runRawInsertLoad, type RawInsertLoadSpec } from "./raw-insert-load.js";

// Entry point of P3's baseline load process: a spec as JSON in argv[2], the
// result as one JSON line on stdout.

const spec = JSON.parse(process.argv[2] ?? "null") as RawInsertLoadSpec | null;
if (spec === null) {
  process.stderr.write("usage: raw-insert-load-main.ts '<RawInsertLoadSpec as JSON>'\n");
  process.exit(2);
}
const result = await runRawInsertLoad(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
