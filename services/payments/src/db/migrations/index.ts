import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_orders.js";
import * as m0002 from "./0002_jobs.js";
import * as m0003 from "./0003_payments.js";
import * as m0004 from "./0004_webhooks.js";
import * as m0005 from "./0005_payment_events.js";
import * as m0006 from "./0006_mandates.js";
import * as m0007 from "./0007_payload_window_and_charge.js";
import * as m0008 from "./0008_juspay_customers.js";
import * as m0009 from "./0009_order_id_case_insensitive.js";
import * as m0010 from "./0010_session_payloads.js";

// Every migration, in order. Static imports (not a directory scan) so the same
// list works from TypeScript sources under tsx/vitest and from compiled dist/.
// Names sort lexically; never rename or edit one that has shipped: add a new one.
export const migrations: Record<string, Migration> = {
  "0001_orders": m0001,
  "0002_jobs": m0002,
  "0003_payments": m0003,
  "0004_webhooks": m0004,
  "0005_payment_events": m0005,
  "0006_mandates": m0006,
  "0007_payload_window_and_charge": m0007,
  "0008_juspay_customers": m0008,
  "0009_order_id_case_insensitive": m0009,
  "0010_session_payloads": m0010,
};
