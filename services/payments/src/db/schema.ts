// Table types for kysely. One interface per table; columns mirror the
// migrations in ./migrations exactly (a migration test checks both backends).
import type { ColumnType, Generated } from "kysely";

export interface OrdersTable {
  /** Our order id, which is also Juspay's order_id (1-20 alphanumerics). */
  order_id: string;
  /** Amount in minor units (paise); int8 is read as bigint on both backends. */
  amount_minor: bigint;
  currency: string;
  customer_id: string;
  /** OrderStatus enum name without its prefix, e.g. "NEW", "CHARGED". */
  status: string;
  /** Juspay's status string exactly as last received ("" before any). */
  status_raw: string;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
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

export interface DatabaseSchema {
  orders: OrdersTable;
  jobs: JobsTable;
}

