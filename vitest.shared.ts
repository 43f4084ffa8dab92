import { availableParallelism } from "node:os";
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
    // Test files run one per core, not vitest's default of one less: most
    // files wait (on PostgreSQL, the simulator, child processes, timers) more
    // than they compute, and on a 2-core machine the default runs them one at
    // a time. Set here, per project: vitest 5 schedules each project's files
    // by that project's maxWorkers and ignores the root config's.
    maxWorkers: Math.max(2, availableParallelism()),
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
