import type { Benchmark } from "../benchmark.js";

// Placeholder until this benchmark is written.
export const p2: Benchmark = {
  id: "p2",
  title: "Reads: GetOrderStatus for terminal orders vs bare gRPC servers",
  run() {
    return Promise.reject(new Error("p2 is not written yet"));
  },
};
