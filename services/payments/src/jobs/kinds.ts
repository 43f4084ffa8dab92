// Job kinds of the service and their payloads. Kinds are stored in the jobs
// table: never rename one that has shipped.

export const JOB_KINDS = {
  /** Brings a PENDING refund to Juspay's final word (resends it, same id, if Juspay never got it). */
  refundSync: "refund.sync",
  /** Polls an unpaid order until it is paid, failed for good, or too old. */
  orderSync: "order.sync",
  /** Deletes completed idempotency keys past their retention; runs forever, every few minutes. */
  idempotencyCleanup: "idempotency.cleanup",
  /** Processes one stored Juspay webhook: re-reads the order at Juspay and applies it. */
  webhookProcess: "webhook.process",
  /** Re-enqueues UNMATCHED webhook events whose order row exists now; runs forever. */
  webhookSweep: "webhook.sweep",
  /** Follows a mandate after a command whose answer was lost, until it reaches the command's state (check_status). */
  mandateSync: "mandate.sync",
  /** Brings a pre-debit notification to Juspay's final word (resends it, same id, if Juspay never got it). */
  notificationSync: "notification.sync",
  /** Makes sure Juspay holds a debit order (resends it, same order id, if not), then hands it to the order sync. */
  executionSync: "execution.sync",
} as const;

export interface RefundSyncPayload {
  refundId: string;
}

export interface OrderSyncPayload {
  orderId: string;
}

export interface WebhookProcessPayload {
  eventId: string;
}

export interface MandateSyncPayload {
  mandateId: string;
  /** The status the command leads to (REVOKED, PAUSED, ACTIVE). */
  target: string;
}

export interface NotificationSyncPayload {
  notificationId: string;
}

export interface ExecutionSyncPayload {
  orderId: string;
}
