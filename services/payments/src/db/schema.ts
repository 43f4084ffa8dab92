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

export interface DatabaseSchema {
  orders: OrdersTable;
}

export type { Generated };
