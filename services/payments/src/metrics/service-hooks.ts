import type { JuspayClient } from "@payments/juspay";
import type { JobState } from "../db/schema.js";
import { JOB_KINDS } from "../jobs/kinds.js";
import type { Job } from "../jobs/queue.js";
import type { CircuitReading, ServiceMetrics } from "./metrics-registry.js";

// The small adapters service.ts plugs into the parts it builds, so the job
// worker and the Juspay package stay free of Prometheus.

/** For JobWorker's onSettled: attempts by kind and result, and the webhook processing lag. */
export function jobAttemptRecorder(metrics: ServiceMetrics): (job: Job, state: JobState) => void {
  return (job, state) => {
    metrics.jobAttempts.inc({ kind: job.kind, result: state });
    // A webhook's processing job is enqueued in the transaction that stores it, so
    // its creation time is when the event was received. Only a finished processing
    // counts (PROCESSED, UNMATCHED or IGNORED): a failed attempt is retried.
    if (job.kind === JOB_KINDS.webhookProcess && state === "completed") {
      metrics.webhookProcessingLag.observe(Math.max(0, (Date.now() - job.created_at.getTime()) / 1000));
    }
  };
}

/** For ServiceMetrics.readCircuitsWith: the breaker guarding the client's base URL (open or half-open = refusing calls). */
export function circuitReader(client: JuspayClient): () => CircuitReading[] {
  const url = new URL(client.baseUrl);
  const endpoint = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  return () => {
    const state = client.circuitState;
    return [{ endpoint, open: state !== "closed" && state !== "off" }];
  };
}
