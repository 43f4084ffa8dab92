import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { PaymentEvent } from "@payments/proto/payments/v1/events_pb";
import type { Selectable } from "kysely";
import type { MandatesTable } from "../../src/db/schema.js";
import { eventually, type Stack } from "./stack.js";

// Small helpers shared by the mandate tests: our rows, what the simulator
// saw and holds, Juspay-side changes made behind the service's back (the
// payer revoking in their UPI app), and the payment events of one mandate as
// a consumer of StreamPaymentEvents receives them.

export type MandateRow = Selectable<MandatesTable>;

/** Our mandate row, if any. */
export async function mandateRow(stack: Stack, mandateId: string): Promise<MandateRow | undefined> {
  return stack.database.database.db.selectFrom("mandates").selectAll().where("mandate_id", "=", mandateId).executeTakeFirst();
}

/** Waits until our row of the mandate has `status` (polling the database only, no RPC). */
export async function waitForMandateRow(stack: Stack, mandateId: string, status: string, timeoutMs = 10_000): Promise<MandateRow> {
  return eventually(
    async () => {
      const row = await mandateRow(stack, mandateId);
      return row?.status === status ? row : undefined;
    },
    timeoutMs,
    `mandate ${mandateId} to become ${status} in our table`,
  );
}

/** POST /mandates/:id requests the simulator received (commands and check_status alike), all mandates. */
export function simMandateCommands(stack: Stack): number {
  return stack.sim.counters.snapshot().requests["mandate_command"] ?? 0;
}

/** The simulator's status of a mandate. */
export function simMandateStatus(stack: Stack, mandateId: string): string | undefined {
  return stack.sim.state.mandates[mandateId]?.status;
}

/** Webhook events the simulator emitted for a mandate (delivered or not), by name. */
export function simMandateWebhooks(stack: Stack, mandateId: string, eventName: string): number {
  return stack.sim.webhooks.events.filter((e) => e.event_name === eventName && (e.content.mandate as { mandate_id?: string } | undefined)?.mandate_id === mandateId).length;
}

/** A command sent straight to Juspay (the simulator), as the payer's app or the dashboard would: the service is not told. */
export async function simMandateCommand(stack: Stack, mandateId: string, fields: Record<string, string>): Promise<void> {
  const res = await fetch(`${stack.sim.url}/mandates/${mandateId}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
  });
  if (!res.ok) throw new Error(`sim mandate command: ${res.status} ${await res.text()}`);
}

/** A timestamp `ms` from now (negative: in the past), whole seconds. */
export function fromNow(ms: number): Timestamp {
  return timestampFromMs(Math.floor((Date.now() + ms) / 1000) * 1000);
}

/** Waits until no mandate.sync or webhook.process job is live, so nothing in the background calls Juspay's mandate API. */
export async function mandateJobsSettled(stack: Stack): Promise<void> {
  await eventually(
    async () => {
      const live = await stack.database.database.db
        .selectFrom("jobs")
        .select("id")
        .where("kind", "in", ["mandate.sync", "webhook.process"])
        .where("state", "not in", ["completed", "discarded", "cancelled"])
        .executeTakeFirst();
      return live === undefined ? true : undefined;
    },
    15_000,
    "mandate sync and webhook jobs to finish",
  );
}

/**
 * Every payment event of the mandate recorded so far, as StreamPaymentEvents
 * delivers them: reads the stream from the start until it passed the newest
 * event committed when called (no type filter, so it never waits for a heartbeat).
 */
export async function streamedMandateEvents(stack: Stack, mandateId: string): Promise<PaymentEvent[]> {
  const db = stack.database.database.db;
  const newest = (await db.selectFrom("payment_events").select(db.fn.max("cursor").as("max")).executeTakeFirst())?.max;
  if (newest === null || newest === undefined) return [];
  const last = BigInt(newest);
  const events: PaymentEvent[] = [];
  for await (const res of stack.webhooks.streamPaymentEvents({ start: { case: "afterCursor", value: 0n } }, { timeoutMs: 15_000 })) {
    if (res.message.case === "event") {
      const event = res.message.value;
      if (event.mandateId === mandateId) events.push(event);
      if (event.cursor >= last) break;
    } else if (res.message.case === "heartbeat" && res.message.value.cursor >= last) break;
  }
  return events;
}
