import type { Benchmark } from "../benchmark.js";

// Placeholder until this benchmark is written.
export const p3: Benchmark = {
  id: "p3",
  title: "Webhooks: bridge → service → Postgres vs raw inserts",
  run() {
    return Promise.reject(new Error("p3 is not written yet"));
  },
};
