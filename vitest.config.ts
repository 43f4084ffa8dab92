import { defineConfig } from "vitest/config";

// `npm test` at the root runs every package's suite.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "services/*/vitest.config.ts", "tools/*/vitest.config.ts"],
  },
});
