import { runGrpcLoad, type GrpcLoadSpec } from "./grpc-load.js";

// Entry point of a load process: a spec as JSON in argv[2], the result as
// one JSON line on stdout. Runs apart from the benchmark's process, as the
// issue asks (load from a second process).

const spec = JSON.parse(process.argv[2] ?? "null") as GrpcLoadSpec | null;
if (spec === null) {
  process.stderr.write("usage: grpc-load-main.ts '<GrpcLoadSpec as JSON>'\n");
  process.exit(2);
}
const result = await runGrpcLoad(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
