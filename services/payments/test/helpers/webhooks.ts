import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import type { WebhookEventRow } from "../../src/db/webhook-events-repository.js";
import { eventually, type Stack } from "./stack.js";

// Juspay webhook bodies for tests: the real samples in fixtures/juspay/webhooks
// and bodies built for one order, plus waiting for an event's processing.

export const FIXTURE_DIR = join(import.meta.dirname, "../../../../fixtures/juspay/webhooks");

export function webhookFixtures(): { name: string; body: Buffer }[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((name) => ({ name, body: readFileSync(join(FIXTURE_DIR, name)) }));
}

let counter = 0;

export interface OrderWebhook {
  eventName: string;
  orderId: string;
  /** Rupees as Juspay sends them (a number). */
  amount: number;
  /** What the body claims; never trusted. */
  status: string;
  id?: string;
  dateCreated?: Date;
}

/** A Juspay-shaped webhook body for one order (txn content for TXN_CHARGED / TXN_FAILED, order content otherwise). */
export function orderWebhookBody(w: OrderWebhook): Buffer {
  const id = w.id ?? `evt_V2_test${process.pid}x${++counter}`;
  const txnContent = w.eventName === "TXN_CHARGED" || w.eventName === "TXN_FAILED";
  const content = txnContent
    ? { txn: { txn_id: `${w.orderId}-1`, order_id: w.orderId, status: w.status, txn_amount: w.amount } }
    : { order: { id: `ordeh_${w.orderId}`, order_id: w.orderId, amount: w.amount, currency: "INR", status: w.status } };
  return Buffer.from(JSON.stringify({ id, event_name: w.eventName, date_created: (w.dateCreated ?? new Date()).toISOString(), content }));
}

export async function ingest(stack: Stack, body: Uint8Array) {
  return stack.webhooks.ingestJuspayWebhook({ method: "POST", path: "/webhooks/juspay", body, headers: [{ name: "content-type", value: "application/json" }] });
}

export async function eventRow(stack: Stack, eventId: string): Promise<WebhookEventRow | undefined> {
  return stack.database.database.db.selectFrom("webhook_events").selectAll().where("event_id", "=", eventId).executeTakeFirst();
}

const FINAL = new Set(["PROCESSED", "UNMATCHED", "IGNORED"]);

/** Waits until the event's processing ended (PROCESSED, UNMATCHED or IGNORED) and its job is gone. */
export async function waitForFinal(stack: Stack, eventId: string, timeoutMs = 10_000): Promise<WebhookEventRow> {
  return eventually(
    async () => {
      const row = await eventRow(stack, eventId);
      if (row === undefined || !FINAL.has(row.state)) return undefined;
      const live = await stack.database.database.db
        .selectFrom("jobs")
        .select("id")
        .where("unique_key", "=", `webhook.process:${eventId}`)
        .where("state", "not in", ["completed", "discarded", "cancelled"])
        .executeTakeFirst();
      return live === undefined ? row : undefined;
    },
    timeoutMs,
    `webhook event ${eventId} to finish processing`,
  );
}

export async function orderStatus(stack: Stack, orderId: string): Promise<string | undefined> {
  const row = await stack.database.database.db.selectFrom("orders").select("status").where("order_id", "=", orderId).executeTakeFirst();
  return row?.status;
}

export const STATE = WebhookEventState;
