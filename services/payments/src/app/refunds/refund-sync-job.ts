import type { JobHandler } from "../../jobs/worker.js";
import type { AppContext } from "../context.js";

// PLACEHOLDER: replaced by the refunds work (issue 5).
export function refundSyncJob(_ctx: AppContext): JobHandler {
  return async () => {
    throw new Error("refund sync is not built yet");
  };
}
