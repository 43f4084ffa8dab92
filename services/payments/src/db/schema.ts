// Table types for kysely. One interface per table; columns mirror the
// migrations in ./migrations exactly (a migration test checks both backends).
import type { ColumnType, Generated } from "kysely";

export type OrderType = "PAYMENT" | "MANDATE_REGISTRATION" | "MANDATE_EXECUTION";

/** udf1..udf10 as set; absent keys were never set. */
export type UdfMap = Partial<Record<`udf${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}`, string>>;

/** jsonb columns: read as parsed JSON, written as a JSON string. */
type Json<T> = ColumnType<T, string | undefined, string>;

export interface OrdersTable {
  /** Our order id, which is also Juspay's order_id (1-20 alphanumerics). */
  order_id: string;
  /** Amount in minor units (paise); int8 is read as bigint on both backends. */
  amount_minor: bigint;
  currency: string;
  customer_id: string;
  /** OrderStatus enum name without its prefix, e.g. "NEW", "CHARGED", "INTEGRITY_MISMATCH". */
  status: string;
  /** Juspay's status string exactly as last received ("" before any). */
  status_raw: string;
  order_type: ColumnType<OrderType, OrderType | undefined, OrderType>;
  status_id: number | null;
  /** Juspay's own id (ordeh_...). */
  juspay_order_id: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  description: string | null;
  return_url: string | null;
  udfs: Json<UdfMap>;
  /** The mandate registration options the order was created with. */
  mandate_options: ColumnType<unknown, string | null | undefined, string | null>;
  mandate_id: string | null;
  payment_method_type: string | null;
  payment_method: string | null;
  txn_id: string | null;
  error_code: string | null;
  error_message: string | null;
  /** What Juspay reports as refunded (succeeded refunds). */
  amount_refunded_minor: ColumnType<bigint, bigint | undefined, bigint>;
  /** Why the order is INTEGRITY_MISMATCH (which field disagreed); never the values. */
  integrity_issue: string | null;
  /** Until when Juspay may accept the last signed process payload (signed for amount_minor): no amount change before then. */
  signed_payload_expires_at: Date | null;
  /** What Juspay reports it charged for an INTEGRITY_MISMATCH order: its refunds are bounded by this, never by amount_minor. */
  charged_amount_minor: bigint | null;
  /** Bumped by every change: the cursor WatchOrder follows across replicas. */
  version: ColumnType<bigint, bigint | undefined, bigint>;
  last_synced_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RefundsTable {
  refund_id: string;
  /** Sent to Juspay on every attempt of this refund; 1-20 alphanumerics. */
  unique_request_id: string;
  order_id: string;
  amount_minor: bigint;
  currency: string;
  /** RefundStatus name without prefix: PENDING, SUCCESS, FAILURE, MANUAL_REVIEW, UNKNOWN. */
  status: ColumnType<string, string | undefined, string>;
  status_raw: ColumnType<string, string | undefined, string>;
  reason: string | null;
  /** "<caller>/<idempotency key>"; unique for ever. */
  caller_key: string;
  request_hash: string;
  /** Juspay has shown it holds the refund; until then a sync may resend it (same id). */
  acknowledged: ColumnType<boolean, boolean | undefined, boolean>;
  juspay_refund_id: string | null;
  gateway_reference: string | null;
  arn: string | null;
  refund_type: string | null;
  sent_to_gateway: ColumnType<boolean, boolean | undefined, boolean>;
  error_code: string | null;
  error_message: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  settled_at: Date | null;
  last_synced_at: Date | null;
}

export interface IdempotencyKeysTable {
  /** "<caller>/<rpc>". */
  scope: string;
  key: string;
  request_hash: string;
  state: ColumnType<"in_flight" | "completed", "in_flight" | "completed" | undefined, "in_flight" | "completed">;
  response: Uint8Array | null;
  resource_id: string | null;
  locked_until: Date;
  created_at: ColumnType<Date, never, never>;
  completed_at: Date | null;
}

export type JobState = "available" | "running" | "completed" | "retryable" | "discarded" | "cancelled";

export interface JobsTable {
  id: Generated<bigint>;
  kind: string;
  /** jsonb; written as a JSON string (pg would turn a JS array into a Postgres array). */
  payload: ColumnType<unknown, string | undefined, string>;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  attempt: Generated<number>;
  max_attempts: Generated<number>;
  run_at: ColumnType<Date, Date | undefined, Date>;
  locked_at: Date | null;
  locked_by: string | null;
  last_error: string | null;
  /** Live jobs (not completed, discarded or cancelled) are unique by this key. */
  unique_key: string | null;
  created_at: ColumnType<Date, never, never>;
  finished_at: Date | null;
}

export type PaymentEventSubjectKind = "order" | "refund" | "mandate" | "notification";

export interface PaymentEventsTable {
  cursor: Generated<bigint>;
  event_id: string;
  /** PaymentEventType name without its prefix, e.g. ORDER_CHARGED. */
  type: string;
  order_id: string | null;
  mandate_id: string | null;
  customer_id: string | null;
  subject_kind: PaymentEventSubjectKind;
  subject: Uint8Array;
  webhook_event_id: string | null;
  occurred_at: ColumnType<Date, never, never>;
}

/** WebhookEventState name without its prefix. */
export type WebhookEventStateName = "RECEIVED" | "PROCESSED" | "UNMATCHED" | "FAILED" | "IGNORED" | "MALFORMED";

export interface WebhookEventsTable {
  /** whe_<base62>. */
  event_id: string;
  /** "evt:<Juspay event id>" or "sha256:<hex of the body>"; unique. */
  dedup_key: string;
  /** Juspay's event `id`; unique when present. */
  juspay_event_id: string | null;
  event_name: string;
  order_id: string | null;
  mandate_id: string | null;
  state: ColumnType<WebhookEventStateName, WebhookEventStateName | undefined, WebhookEventStateName>;
  /** The raw body as received (at most 256 KiB); may hold customer PII. */
  body: Uint8Array;
  juspay_create_time: Date | null;
  receive_time: ColumnType<Date, Date | undefined, Date>;
  process_time: Date | null;
  delivery_count: ColumnType<number, number | undefined, number>;
  attempt_count: ColumnType<number, number | undefined, number>;
  last_error: string | null;
}

export interface WebhookDeadLettersTable {
  /** SHA-256 of the body, lower-case hex. */
  body_hash: string;
  body: Uint8Array;
  reason: string;
  first_seen: ColumnType<Date, Date | undefined, Date>;
  last_seen: ColumnType<Date, Date | undefined, Date>;
  count: ColumnType<number, number | undefined, number>;
}

export interface MandatesTable {
  mandate_id: string;
  customer_id: string;
  /** The MANDATE_REGISTRATION order; null for mandates registered outside this service. */
  registration_order_id: string | null;
  /** MandateStatus name without prefix: CREATED, ACTIVE, PAUSED, REVOKED, FAILURE, EXPIRED, PENDING, UNKNOWN. */
  status: string;
  status_raw: ColumnType<string, string | undefined, string>;
  mandate_token: string | null;
  /** "MANDATE" (cards) or "EMANDATE". */
  mandate_type: string | null;
  max_amount_minor: bigint | null;
  currency: ColumnType<string, string | undefined, string>;
  /** FIXED or VARIABLE. */
  amount_rule: string | null;
  /** MandateFrequency name without prefix, e.g. MONTHLY. */
  frequency: string | null;
  /** ON, BEFORE or AFTER. */
  rule_type: string | null;
  rule_value: number | null;
  start_at: Date | null;
  end_at: Date | null;
  revokable_by_customer: boolean | null;
  block_funds: boolean | null;
  payment_method_type: string | null;
  payment_method: string | null;
  activated_at: Date | null;
  pause_start_at: Date | null;
  pause_end_at: Date | null;
  /** Juspay's last_updated of the last applied report. */
  juspay_updated_at: Date | null;
  /** Bumped by every change; payment events are keyed by it. */
  version: ColumnType<bigint, bigint | undefined, bigint>;
  last_synced_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface MandateNotificationsTable {
  /** Ours; Juspay's object_reference_id. */
  notification_id: string;
  juspay_notification_id: string | null;
  mandate_id: string;
  /** NotificationStatus name without prefix: PENDING, CREATED, SUCCESS, FAILURE, UNKNOWN. */
  status: ColumnType<string, string | undefined, string>;
  status_raw: ColumnType<string, string | undefined, string>;
  amount_minor: bigint;
  currency: string;
  debit_at: Date;
  description: string | null;
  provider_name: string | null;
  response_code: string | null;
  response_message: string | null;
  request_hash: string;
  acknowledged: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  settled_at: Date | null;
  last_synced_at: Date | null;
}

export interface MandateExecutionsTable {
  /** The debit's order (order_type MANDATE_EXECUTION). */
  order_id: string;
  mandate_id: string;
  notification_id: string | null;
  execute_at: Date | null;
  display_invoice_number: string | null;
  /** "<caller>/<idempotency key>"; unique for ever. */
  caller_key: string;
  request_hash: string;
  acknowledged: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, never, never>;
}

/** A Session API payload kept for reuse until it expires (migration 0010). Holds a client auth token: never logged. */
export interface SessionPayloadsTable {
  order_id: string;
  /** The exact JSON handed to the app. */
  payload_json: string;
  request_id: string;
  service: string;
  web_payment_url: string;
  juspay_order_id: string;
  expires_at: Date;
  created_at: ColumnType<Date, never, never>;
}

/** Customers Juspay holds (Create Customer answered), keyed by our customer id. */
export interface JuspayCustomersTable {
  /** Ours; Juspay's object_reference_id. */
  customer_id: string;
  /** Juspay's own id (cst_…). */
  juspay_customer_id: string;
  created_at: ColumnType<Date, never, never>;
}

export interface DatabaseSchema {
  orders: OrdersTable;
  refunds: RefundsTable;
  idempotency_keys: IdempotencyKeysTable;
  payment_events: PaymentEventsTable;
  jobs: JobsTable;
  webhook_events: WebhookEventsTable;
  webhook_dead_letters: WebhookDeadLettersTable;
  mandates: MandatesTable;
  mandate_notifications: MandateNotificationsTable;
  mandate_executions: MandateExecutionsTable;
  session_payloads: SessionPayloadsTable;
  juspay_customers: JuspayCustomersTable;
}

