import type { Route } from "../http/server.js";
import type { Simulator } from "../simulator.js";

// Placeholder: the admin API (/__admin/...) is filled in later.
export function adminRoutes(_sim: Simulator): Route[] {
  return [];
}
