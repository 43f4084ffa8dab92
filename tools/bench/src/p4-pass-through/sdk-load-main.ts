import { fileURLToPath } from "node:url";
import type { SdkLoadSpec } from "./sdk-load.js";

// Entry point of the SDK baseline's load process (run by runLoadProcess): a
// spec as JSON in argv[2], the result as one JSON line on stdout.

const spec = JSON.parse(process.argv[2] ?? "null") as SdkLoadSpec | null;
if (spec === null) {
  process.stderr.write("usage: sdk-load-main.ts '<SdkLoadSpec as JSON>'\n");
  process.exit(2);
}
// The SDK reads package.json in the current directory when it is loaded (for
// its User-Agent) and throws without a name and version there: load it from
// the bench package's directory.
process.chdir(fileURLToPath(new URL("../..", import.meta.url)));
const { runSdkLoad } = await import("./sdk-load.js");
const result = await runSdkLoad(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
