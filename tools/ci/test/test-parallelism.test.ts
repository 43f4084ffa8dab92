import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { createVitest } from "vitest/node";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

// Vitest schedules each project's files by that project's own maxWorkers; a
// value only in the root config left every project at vitest's default (one
// less than the cores: one at a time on a 2-core machine), which made the
// suite 60% slower unnoticed.
describe("npm test's parallelism", () => {
  it("every project runs one test file per core, at least two at a time", async () => {
    const vitest = await createVitest("test", { root, watch: false }, {}, {});
    try {
      const perProject = Object.fromEntries(vitest.projects.map((project) => [project.name, project.config.maxWorkers]));
      const expected = Math.max(2, availableParallelism());
      expect(Object.keys(perProject).sort()).toEqual(["bench", "ci-tools", "client", "juspay", "juspay-sim", "payments", "webhook-bridge"]);
      for (const [name, maxWorkers] of Object.entries(perProject)) expect({ name, maxWorkers }).toEqual({ name, maxWorkers: expected });
    } finally {
      await vitest.close();
    }
  });
});
