import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { supportedNode } from "./tools/dev/node-runtime.js";

// Every run says which Node runs it (and refuses one older than the project supports).
process.stdout.write(`tests on ${supportedNode()}\n`);

// `npm test` at the root runs every package's suite.
// Test files run one per core, not vitest's default of one less: most files
// wait (on PostgreSQL, the simulator, child processes, timers) more than they
// compute, and on a 2-core machine the default ran them one at a time
// (tests on PostgreSQL: 5 min 19 s one at a time, 2 min 56 s two at a time).
export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism()),
    projects: ["packages/*/vitest.config.ts", "services/*/vitest.config.ts", "tools/*/vitest.config.ts"],
  },
});
