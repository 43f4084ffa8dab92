import { fileURLToPath } from "node:url";
import { serveLoad } from "../load/load-main.js";
import type { SdkLoadSpec } from "./sdk-load.js";

// Entry point of the SDK baseline's load process (see serveLoad).
// The SDK reads package.json in the current directory when it is loaded (for
// its User-Agent) and throws without a name and version there: load it from
// the bench package's directory.
process.chdir(fileURLToPath(new URL("../..", import.meta.url)));
const { runSdkLoad } = await import("./sdk-load.js");
await serveLoad<SdkLoadSpec, Awaited<ReturnType<typeof runSdkLoad>>>("sdk-load-main.ts", runSdkLoad);
