import type { AppContext } from "../app/context.js";
import { idempotencyCleanupJob } from "../app/idempotency-cleanup-job.js";
import { orderSyncJob } from "../app/orders/order-sync-job.js";
import { refundSyncJob } from "../app/refunds/refund-sync-job.js";
import { executionSyncJob } from "../app/mandates/executions/execution-sync-job.js";
import { mandateSyncJob } from "../app/mandates/mandate-sync-job.js";
import { notificationSyncJob } from "../app/mandates/notifications/notification-sync-job.js";
import { processWebhookJob } from "../app/webhooks/process-webhook-job.js";
import { webhookSweepJob } from "../app/webhooks/webhook-sweep-job.js";
import { JOB_KINDS } from "./kinds.js";
import type { JobWorker } from "./worker.js";

/** Every job kind this service runs, with its handler. */
export function registerJobs(worker: JobWorker, ctx: AppContext): JobWorker {
  return worker
    .register(JOB_KINDS.refundSync, refundSyncJob(ctx))
    .register(JOB_KINDS.orderSync, orderSyncJob(ctx))
    .register(JOB_KINDS.idempotencyCleanup, idempotencyCleanupJob(ctx))
    .register(JOB_KINDS.webhookProcess, processWebhookJob(ctx))
    .register(JOB_KINDS.webhookSweep, webhookSweepJob(ctx))
    .register(JOB_KINDS.mandateSync, mandateSyncJob(ctx))
    .register(JOB_KINDS.notificationSync, notificationSyncJob(ctx))
    .register(JOB_KINDS.executionSync, executionSyncJob(ctx));
}
