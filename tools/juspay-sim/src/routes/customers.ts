import type { SimContext } from "../context.js";
import type { Route } from "../http/server.js";

// Placeholder: filled in by the work on this area.
export function customerRoutes(_ctx: SimContext): Route[] {
  return [];
}
