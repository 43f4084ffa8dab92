import type { SimContext } from "../context.js";
import type { Route } from "../http/server.js";

// Placeholder: filled in by the work on this area.
export function orderRoutes(_ctx: SimContext): Route[] {
  return [];
}
