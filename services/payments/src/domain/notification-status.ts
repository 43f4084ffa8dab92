// Pre-debit notification state machine: SUCCESS and FAILURE are final;
// nothing returns to PENDING or CREATED once Juspay has moved past them, and
// an unrecognised status never overwrites a known one.

export type StoredNotificationStatus = "PENDING" | "CREATED" | "SUCCESS" | "FAILURE" | "UNKNOWN";

export function isFinalNotificationStatus(status: string): boolean {
  return status === "SUCCESS" || status === "FAILURE";
}

export function mayTransitionNotification(current: string, next: string): boolean {
  if (current === next || isFinalNotificationStatus(current)) return false;
  if (next === "UNKNOWN") return current === "PENDING";
  // Our write-ahead PENDING may become CREATED; Juspay's CREATED → PENDING is forward too.
  return true;
}

export type NotificationEventType = "NOTIFICATION_SUCCEEDED" | "NOTIFICATION_FAILED";

export function notificationEventType(previous: string, status: string): NotificationEventType | null {
  if (previous === status) return null;
  if (status === "SUCCESS") return "NOTIFICATION_SUCCEEDED";
  if (status === "FAILURE") return "NOTIFICATION_FAILED";
  return null;
}
