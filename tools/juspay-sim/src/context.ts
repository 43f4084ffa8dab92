import { randomBytes } from "node:crypto";
import type { SimClock } from "./clock.js";
import type { Counters } from "./state/counters.js";
import type { SimState } from "./state/model.js";

// What every route module and engine function gets: the options, the state,
// the simulated clock, counters, and the webhook outlet.

export interface SimulatorOptions {
  host: string;
  port: number;
  apiKey: string;
  merchantId: string;
  /** Where webhooks go; unset = no delivery (events are still logged). */
  webhookUrl?: string;
  webhookUsername?: string;
  webhookPassword?: string;
  /** Extra headers on every webhook (Juspay's "custom headers"). */
  webhookHeaders: Record<string, string>;
  /** Simulated seconds per real second. */
  timeScale: number;
  /** JSON file the state is loaded from at start and saved to on change. */
  stateFile?: string;
  /** Base of the payment links the simulator hands out. */
  publicBaseUrl?: string;
  /** Client id put into SDK payloads (Juspay's payment_page_client_id). */
  clientId: string;
  /** The simulator's "Juspay" RSA private key (PEM) for the /v4 routes; unset = a fresh one per start. */
  jwePrivateKeyPem?: string;
  /** Refuse an API GET without Content-Type, as Juspay's Order Status pages mark it required (false: accept it, --lenient-get-content-type). */
  requireGetContentType: boolean;
  /**
   * Answer GET /txns/v2/orders/:id with the order's status. Off by default:
   * no public Juspay source has that path and Juspay answers an unknown path
   * 404, as the simulator then does (--serve-execution-status-path).
   */
  serveExecutionStatusPath: boolean;
  /**
   * The account has Juspay's "implicit customer creation" enabled: a mandate
   * for an unknown customer_id creates that customer. Off (the default, the
   * strict mode): such a mandate is refused, as "Prerequisite for creating a
   * mandate is to have the customer already registered/created" says.
   */
  implicitCustomers: boolean;
}

/** One webhook event, shaped like Juspay's body (reference §4.2). */
export interface WebhookEvent {
  id: string;
  event_name: string;
  date_created: string;
  content: Record<string, unknown>;
}

export interface EventOutlet {
  /** Queues an event for delivery to the configured (or per-order) URL. */
  emit(eventName: string, content: Record<string, unknown>, options?: { webhookUrl?: string }): WebhookEvent;
}

export interface SimContext {
  options: SimulatorOptions;
  state: SimState;
  clock: SimClock;
  counters: Counters;
  events: EventOutlet;
  /** Marks the state changed (saved to --state-file when set). */
  changed(): void;
}

/** A fresh id like Juspay's: prefix + 32 hex characters (`ordeh_…`, `evt_V2_…`). */
export function newId(prefix: string, bytes = 16): string {
  return `${prefix}${randomBytes(bytes).toString("hex")}`;
}

/** ISO-8601 UTC without milliseconds, as Juspay writes times: 2021-09-10T09:01:36Z. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
