import type { Benchmark } from "../benchmark.js";

// Placeholder until this benchmark is written.
export const p4: Benchmark = {
  id: "p4",
  title: "Pass-through: RefundOrder and refreshing GetOrderStatus vs Juspay's SDK",
  run() {
    return Promise.reject(new Error("p4 is not written yet"));
  },
};
