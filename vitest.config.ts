import { defineConfig } from "vitest/config";
import { supportedNode } from "./tools/dev/node-runtime.js";

// Every run says which Node runs it (and refuses one older than the project supports).
process.stdout.write(`tests on ${supportedNode()}\n`);

// `npm test` at the root runs every package's suite.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "services/*/vitest.config.ts", "tools/*/vitest.config.ts"],
  },
});
