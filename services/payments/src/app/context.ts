import type { Kysely } from "kysely";
import type { SigningKeys } from "@payments/juspay";
import type { PaymentsSettings } from "../config.js";
import type { DatabaseSchema } from "../db/schema.js";
import type { Logger } from "../logger.js";
import type { AlertCounters } from "./alert-counters.js";
import type { SharedCustomerRegistrations } from "./customers/shared-customer-registrations.js";
import type { EventSubjectEncoder } from "./events/payment-events.js";
import type { SharedOrderRefreshes } from "./orders/shared-refreshes.js";
import type { JuspayApi } from "./ports.js";

/** Tells WatchOrder streams (here and on other replicas) that an order changed. */
export interface OrderChangeNotifier {
  /** Called after the transaction that changed the order committed. */
  published(orderId: string): void;
}

/** Everything a use case may touch. Built once in main.ts (or by a test). */
export interface AppContext {
  db: Kysely<DatabaseSchema>;
  juspay: JuspayApi;
  /** Juspay merchant id (payloads carry it). */
  merchantId: string;
  settings: PaymentsSettings;
  /** Null when no key is configured: signature-flavour payloads are then refused. */
  signingKeys: SigningKeys | null;
  logger: Logger;
  alerts: AlertCounters;
  orderChanges: OrderChangeNotifier;
  /** Turns rows into the payments.v1 messages stored with payment events. */
  eventSubjects: EventSubjectEncoder;
  /** GetOrderStatus refreshes under way in this process, one per order, joined by concurrent calls. */
  orderRefreshes: SharedOrderRefreshes;
  /** Create Customer calls under way in this process, one per customer, joined by concurrent first registrations. */
  customerRegistrations: SharedCustomerRegistrations;
  /** Asks the local job worker to look for due jobs now (after an enqueue). */
  wakeJobs(): void;
}
