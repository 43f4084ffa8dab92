import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources through the
// "@payments/source" export condition, so tests need no build first. Only our
// own condition is added on top of vite's defaults: adding "import" here leaks
// into Node's --conditions and breaks CommonJS packages such as pg.
export default defineConfig({
  resolve: {
    conditions: ["@payments/source", "module", "browser", "development|production"],
  },
  ssr: {
    resolve: {
      conditions: ["@payments/source", "module", "node", "development|production"],
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
