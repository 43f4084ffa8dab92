import { serveLoad } from "../load/load-main.js";
import { runRawInsertLoad } from "./raw-insert-load.js";

// Entry point of P3's baseline load process (see serveLoad).
await serveLoad("raw-insert-load-main.ts", runRawInsertLoad);
