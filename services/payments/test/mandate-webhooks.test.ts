import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { parseWebhookEnvelope } from "@payments/juspay";
import { MandateCommandResult } from "@payments/proto/payments/v1/mandate_pb";
import { WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newWebhookEventId } from "../src/app/webhooks/ingest-webhook.js";
import { monthlyMandate, registerMandate, type MandateOptionsInit } from "./helpers/mandates.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";
import { eventRow, ingest, orderStatus, waitForFinal } from "./helpers/webhooks.js";

// Every mandate and notification webhook Juspay published (fixtures/juspay:
// webhooks/mandate_*, notification_*, order_succeeded_mandate and
// mandates/webhook/**) processes on the service side, mess included (FILTERED
// values, string amounts, odd dates): only the ids are rewritten to a subject
// the simulator and we both know. The body is a hint, Juspay's state the truth
// (ADR 0013): our rows end where the simulator is, never where the body says,
// and never backwards. Unknown subjects stay UNMATCHED; events the previous
// version stored IGNORED process when replayed. (That every fixture decodes
// with @payments/juspay's decoders is packages/juspay/test/fixtures.test.ts.)

const ROOT = join(import.meta.dirname, "../../../fixtures/juspay");
const CUSTOMER = "cust_mwh";
const HOUR_MS = 3_600_000;
/** What the service before issue 7 stored on mandate and notification events (state IGNORED). */
const OLD_DEFERRED_REASON = "mandate and notification events are processed from issue 7 (MandateService) on; replay this event then";

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? jsonFiles(join(dir, name)) : name.endsWith(".json") ? [join(dir, name)] : []));
}
const FIXTURES = [...jsonFiles(join(ROOT, "webhooks")).filter((f) => /\/(mandate_\w+|notification_\w+|order_succeeded_mandate)\.json$/.test(f)), ...jsonFiles(join(ROOT, "mandates/webhook"))]
  .map((f) => relative(ROOT, f).split("\\").join("/"))
  .sort();

// What really happened at Juspay (the simulator) before the webhook arrives, and where our rows must end.
type MandateTruth = "active" | "pending" | "pending_then_charged" | "pending_then_failed" | "expired" | "paused_by_payer" | "revoked_by_payer" | "revoked_by_us" | "paused_and_resumed_by_us";
type Case =
  | { kind: "mandate"; truth: MandateTruth; mandate: string }
  | { kind: "notification"; truth: "delivered" | "failed" | "not_yet"; notification: string }
  | { kind: "order"; truth: "registration_failed" | "registration_charged" | "debit_pending"; order: string; mandate: string };

const CASES: Record<string, Case> = {
  // Bodies telling what happened.
  "webhooks/mandate_created.json": { kind: "mandate", truth: "pending", mandate: "CREATED" },
  "webhooks/mandate_activated.json": { kind: "mandate", truth: "pending_then_charged", mandate: "ACTIVE" },
  "webhooks/mandate_paused.json": { kind: "mandate", truth: "paused_by_payer", mandate: "PAUSED" },
  "webhooks/mandate_revoked.json": { kind: "mandate", truth: "revoked_by_payer", mandate: "REVOKED" },
  "webhooks/mandate_failed.json": { kind: "mandate", truth: "pending_then_failed", mandate: "FAILURE" },
  "webhooks/mandate_expired.json": { kind: "mandate", truth: "expired", mandate: "EXPIRED" },
  "webhooks/notification_succeeded.json": { kind: "notification", truth: "delivered", notification: "SUCCESS" },
  "webhooks/notification_failed.json": { kind: "notification", truth: "failed", notification: "FAILURE" },
  // Bodies that are wrong or late for the subject: Juspay wins, nothing goes backwards.
  "mandates/webhook/mandate/revoked.json": { kind: "mandate", truth: "active", mandate: "ACTIVE" },
  "mandates/webhook/mandate/active.json": { kind: "mandate", truth: "revoked_by_us", mandate: "REVOKED" },
  "mandates/webhook/mandate/created.json": { kind: "mandate", truth: "paused_by_payer", mandate: "PAUSED" },
  "mandates/webhook/mandate/paused.json": { kind: "mandate", truth: "paused_and_resumed_by_us", mandate: "ACTIVE" },
  "mandates/webhook/mandate/expired.json": { kind: "mandate", truth: "pending", mandate: "CREATED" },
  "mandates/webhook/mandate/failure.json": { kind: "mandate", truth: "active", mandate: "ACTIVE" },
  "mandates/webhook/notification/success.json": { kind: "notification", truth: "not_yet", notification: "PENDING" },
  "mandates/webhook/notification/failure.json": { kind: "notification", truth: "delivered", notification: "SUCCESS" },
  // Order events of mandate orders: the registration order (and its mandate block) or a debit.
  "webhooks/order_succeeded_mandate.json": { kind: "order", truth: "registration_failed", order: "AUTHORIZATION_FAILED", mandate: "FAILURE" },
  "mandates/webhook/txn/failure.json": { kind: "order", truth: "registration_charged", order: "CHARGED", mandate: "ACTIVE" },
  "mandates/webhook/txn/success.json": { kind: "order", truth: "debit_pending", order: "PENDING_VBV", mandate: "ACTIVE" },
};
/** Truths that need the simulator's clock to move (2 simulated minutes settle attempts, 60 s deliver notifications). */
const AFTER_CLOCK = new Set(["pending_then_charged", "pending_then_failed", "expired", "delivered", "failed"]);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const db = () => stack.database.database.db;
let seq = 0;

interface Ours {
  mandateId?: string;
  orderId?: string;
  notificationId?: string;
  juspayNotificationId?: string;
}

/** The ids a fixture names (read from it; the file is never changed). */
function fixtureIds(file: string): { eventId: string } & Ours {
  const body = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as { id: string; content: Record<string, Record<string, unknown>> };
  const { mandate, notification, order } = body.content;
  if (mandate) return { eventId: body.id, mandateId: mandate.mandate_id as string, orderId: mandate.order_id as string };
  if (notification)
    return {
      eventId: body.id,
      mandateId: (notification.mandate as { mandate_id: string }).mandate_id,
      notificationId: notification.object_reference_id as string,
      juspayNotificationId: notification.id as string,
    };
  return { eventId: body.id, orderId: order!.order_id as string, mandateId: (order!.mandate as { mandate_id: string }).mandate_id };
}

/** The fixture's text with only its ids replaced (each JSON string literal equal to an id, wherever it stands) and a fresh event id. */
function rewritten(file: string, ours: Ours): Buffer {
  const original = fixtureIds(file);
  let text = readFileSync(join(ROOT, file), "utf8");
  const pairs: [string | undefined, string | undefined][] = [
    [original.eventId, `evt_V2_mwh${process.pid}x${++seq}`],
    ...(["mandateId", "orderId", "notificationId", "juspayNotificationId"] as const).map((k) => [original[k], ours[k]] as [string | undefined, string | undefined]),
  ];
  for (const [from, to] of pairs) {
    if (from === undefined || to === undefined) continue;
    expect(text, `${file} names ${from}`).toContain(JSON.stringify(from));
    text = text.split(JSON.stringify(from)).join(JSON.stringify(to));
  }
  return Buffer.from(text);
}

async function ingestFixture(file: string, ours: Ours): Promise<string> {
  const res = await ingest(stack, rewritten(file, ours));
  expect(res.duplicate, file).toBe(false);
  expect(res.state, file).toBe(WebhookEventState.RECEIVED);
  return res.eventId;
}

/** A command straight to Juspay's API, as the payer's app or Juspay's dashboard would cause it: we are not told. */
async function atJuspay(mandateId: string, fields: Record<string, string>): Promise<void> {
  const res = await fetch(`${stack.sim.url}/mandates/${mandateId}`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  if (!res.ok) throw new Error(`sim ${fields.command}: ${res.status} ${await res.text()}`);
}

const simMandate = (mandateId: string) => stack.sim.state.mandates[mandateId]!;
const simNotification = (notificationId: string) => Object.values(stack.sim.state.notifications).find((n) => n.objectReferenceId === notificationId);
const ourMandate = (mandateId: string) => db().selectFrom("mandates").selectAll().where("mandate_id", "=", mandateId).executeTakeFirst();
const ourNotification = (notificationId: string) => db().selectFrom("mandate_notifications").selectAll().where("notification_id", "=", notificationId).executeTakeFirst();

/** A mandate registered through a process payload and the simulated SDK, and our row for it (GetMandateOrderStatus). */
async function register(outcome?: string, mandate?: MandateOptionsInit): Promise<{ orderId: string; mandateId: string }> {
  const orderId = `mwh${++seq}`;
  const { mandateId } = await registerMandate(stack, { orderId, customerId: CUSTOMER, ...(outcome !== undefined && { outcome }), ...(mandate !== undefined && { mandate }) });
  expect(mandateId, `the simulator made a mandate for ${orderId}`).not.toBe("");
  const seen = await stack.mandates.getMandateOrderStatus({ orderId });
  expect(seen.mandate?.mandateId).toBe(mandateId);
  expect((await ourMandate(mandateId))?.status).toBe(simMandate(mandateId).status);
  return { orderId, mandateId };
}

async function prepareMandate(truth: MandateTruth): Promise<{ orderId: string; mandateId: string }> {
  if (truth === "pending" || truth === "pending_then_charged") return register("pending_then_success");
  if (truth === "pending_then_failed") return register("pending_then_failure");
  if (truth === "expired") return register(undefined, monthlyMandate({ endTime: timestampFromDate(new Date(Date.now() + 30_000)) }));
  const subject = await register();
  const key = (what: string) => `${what}-${subject.mandateId}`;
  if (truth === "paused_by_payer") await atJuspay(subject.mandateId, { command: "pause" });
  if (truth === "revoked_by_payer") await atJuspay(subject.mandateId, { command: "revoke" });
  if (truth === "revoked_by_us") {
    const revoked = await stack.mandates.revokeMandate({ idempotencyKey: key("revoke"), mandateId: subject.mandateId });
    expect(revoked.result).toBe(MandateCommandResult.APPLIED);
  }
  if (truth === "paused_and_resumed_by_us") {
    expect((await stack.mandates.pauseMandate({ idempotencyKey: key("pause"), mandateId: subject.mandateId })).result).toBe(MandateCommandResult.APPLIED);
    expect((await stack.mandates.resumeMandate({ idempotencyKey: key("resume"), mandateId: subject.mandateId })).result).toBe(MandateCommandResult.APPLIED);
  }
  return subject;
}

/** Sends a pre-debit notification through our RPC; returns our id and Juspay's. */
async function sendNotification(mandateId: string, amountMinor: bigint): Promise<Ours> {
  const notificationId = `mwhn${++seq}`;
  await stack.mandates.sendPreDebitNotification({
    idempotencyKey: `notify-${notificationId}`,
    mandateId,
    notificationId,
    amount: { amountMinor, currency: "INR" },
    debitTime: timestampFromDate(new Date(Math.floor((Date.now() + 26 * HOUR_MS) / 1000) * 1000)),
    description: "Your monthly plan",
  });
  const atSim = simNotification(notificationId);
  expect(atSim, `Juspay got notification ${notificationId}`).toBeDefined();
  return { mandateId, notificationId, juspayNotificationId: atSim!.id };
}

async function executeDebit(mandateId: string): Promise<string> {
  const orderId = `mwhx${++seq}`;
  await stack.mandates.executeMandate({ idempotencyKey: `debit-${orderId}`, mandateId, orderId, amount: { amountMinor: 2_000n, currency: "INR" } });
  return orderId;
}

/** Moves the simulator's clock so everything pending falls due (and at least past `untilMs`). */
function advanceClock(minMs: number, untilMs = 0): void {
  stack.sim.clock.advance(Math.max(minMs, untilMs - stack.sim.clock.now() + 1_000));
}

interface Prepared {
  ours: Ours;
  /** Our rows against the simulator's state and the expected outcome. */
  check: () => Promise<void>;
}

let notifier: { mandateId: string } | undefined;

async function prepare(file: string): Promise<Prepared> {
  const c = CASES[file]!;
  if (c.kind === "mandate") {
    const subject = await prepareMandate(c.truth);
    return {
      ours: subject,
      check: async () => expect({ ours: (await ourMandate(subject.mandateId))?.status, juspay: simMandate(subject.mandateId).status }, file).toEqual({ ours: c.mandate, juspay: c.mandate }),
    };
  }
  if (c.kind === "notification") {
    notifier ??= await register();
    const ours = await sendNotification(notifier.mandateId, c.truth === "failed" ? 113n : 2_000n);
    return {
      ours,
      check: async () => {
        const row = await ourNotification(ours.notificationId!);
        expect({ ours: row?.status, juspay: simNotification(ours.notificationId!)?.status }, file).toEqual({ ours: c.notification, juspay: c.notification });
        expect(row?.response_code ?? null, file).toBe(c.truth === "failed" ? "JP_852" : null);
      },
    };
  }
  const subject = await register(c.truth === "registration_failed" ? "failure" : undefined);
  const orderId = c.truth === "debit_pending" ? await executeDebit(subject.mandateId) : subject.orderId;
  return {
    ours: { orderId, mandateId: subject.mandateId },
    check: async () => {
      const order = { ours: await orderStatus(stack, orderId), juspay: stack.sim.order(orderId)?.status };
      const mandate = { ours: (await ourMandate(subject.mandateId))?.status, juspay: simMandate(subject.mandateId).status };
      expect({ order, mandate }, file).toEqual({ order: { ours: c.order, juspay: c.order }, mandate: { ours: c.mandate, juspay: c.mandate } });
    },
  };
}

describe("Juspay's mandate and notification webhook samples", () => {
  it("this file has a case for every such fixture", () => {
    expect(FIXTURES.length).toBe(19);
    expect(Object.keys(CASES).sort()).toEqual(FIXTURES);
  });

  it("every fixture, its ids rewritten to a subject Juspay and we know, ends PROCESSED with our rows at Juspay's state, not the body's", async () => {
    const prepared = new Map<string, Prepared>();
    const expiring: string[] = [];
    // Subjects whose truth needs simulated time first, then the clock moves, then the rest (which must not settle).
    for (const file of FIXTURES.filter((f) => AFTER_CLOCK.has(CASES[f]!.truth))) {
      prepared.set(file, await prepare(file));
      if (CASES[file]!.truth === "expired") expiring.push(prepared.get(file)!.ours.mandateId!);
    }
    advanceClock(2 * 60_000 + 1_000, Math.max(...expiring.map((id) => simMandate(id).endDate)));
    for (const file of FIXTURES.filter((f) => !AFTER_CLOCK.has(CASES[f]!.truth))) prepared.set(file, await prepare(file));

    const events = new Map<string, string>();
    for (const file of FIXTURES) events.set(file, await ingestFixture(file, prepared.get(file)!.ours));
    for (const file of FIXTURES) {
      const row = await waitForFinal(stack, events.get(file)!);
      expect({ file, state: row.state, error: row.last_error }).toEqual({ file, state: "PROCESSED", error: null });
      expect(row.mandate_id, file).toBe(prepared.get(file)!.ours.mandateId);
      await prepared.get(file)!.check();
    }
    // The mess is kept as received: the stored bodies still carry Juspay's masks.
    const stored = await eventRow(stack, events.get("webhooks/mandate_activated.json")!);
    expect(Buffer.from(stored!.body).toString()).toContain('"activated_at": "FILTERED"');
  });

  it("a debit's ORDER_SUCCEEDED sample is believed only once Juspay charged the debit: PENDING_VBV, then CHARGED with one ORDER_CHARGED", async () => {
    const { mandateId } = await register();
    const orderId = await executeDebit(mandateId);
    const file = "mandates/webhook/txn/success.json";
    const early = await waitForFinal(stack, await ingestFixture(file, { orderId, mandateId }));
    expect(early.state).toBe("PROCESSED");
    expect(await orderStatus(stack, orderId)).toBe("PENDING_VBV");

    advanceClock(2 * 60_000 + 1_000);
    expect(stack.sim.order(orderId)?.status).toBe("CHARGED");
    const late = await waitForFinal(stack, await ingestFixture(file, { orderId, mandateId }));
    expect(late.state).toBe("PROCESSED");
    expect(await orderStatus(stack, orderId)).toBe("CHARGED");
    const charged = await db().selectFrom("payment_events").select(["mandate_id"]).where("order_id", "=", orderId).where("type", "=", "ORDER_CHARGED").execute();
    expect(charged).toEqual([{ mandate_id: mandateId }]);
  });

  it("the payment event a webhook led to names it (events.proto webhook_event_id): MANDATE_REVOKED after the payer revoked", async () => {
    const { mandateId } = await register();
    await atJuspay(mandateId, { command: "revoke" });
    // Nothing else reads this mandate (its registration order is CHARGED, no sync runs): only the webhook can move our row.
    const eventId = await ingestFixture("webhooks/mandate_revoked.json", { mandateId });
    expect((await waitForFinal(stack, eventId)).state).toBe("PROCESSED");
    expect((await ourMandate(mandateId))?.status).toBe("REVOKED");
    const emitted = await db().selectFrom("payment_events").select(["type", "webhook_event_id"]).where("mandate_id", "=", mandateId).where("type", "=", "MANDATE_REVOKED").execute();
    expect(emitted).toEqual([{ type: "MANDATE_REVOKED", webhook_event_id: eventId }]);
  });
});

describe("webhooks for subjects Juspay or we do not know", () => {
  it("every fixture with its own ids (nobody knows them) is kept UNMATCHED, not FAILED, and creates no rows", async () => {
    const events = new Map<string, string>();
    for (const file of FIXTURES) events.set(file, await ingestFixture(file, {}));
    for (const file of FIXTURES) {
      const row = await waitForFinal(stack, events.get(file)!);
      expect({ file, state: row.state }).toEqual({ file, state: "UNMATCHED" });
      expect(row.last_error, file).not.toBeNull();
      expect(row.body.length, file).toBeGreaterThan(0);
      const ids = fixtureIds(file);
      if (ids.mandateId !== undefined) expect(await ourMandate(ids.mandateId), file).toBeUndefined();
      if (ids.notificationId !== undefined) expect(await ourNotification(ids.notificationId), file).toBeUndefined();
    }
  });

  it("a MANDATE_REVOKED for a mandate we hold but Juspay does not know is UNMATCHED; our row is untouched", async () => {
    const mandateId = "mwhUnknownToJuspay1";
    await db().insertInto("mandates").values({ mandate_id: mandateId, customer_id: CUSTOMER, status: "ACTIVE", status_raw: "ACTIVE", max_amount_minor: 100_000n }).execute();
    const row = await waitForFinal(stack, await ingestFixture("webhooks/mandate_revoked.json", { mandateId }));
    expect(row.state).toBe("UNMATCHED");
    expect((await ourMandate(mandateId))?.status).toBe("ACTIVE");
  });

  it("a NOTIFICATION_SUCCEEDED for a notification Juspay holds but we never sent is UNMATCHED; no row appears", async () => {
    const { mandateId } = await register();
    const notificationId = `mwhforeign${++seq}`;
    await atJuspay(mandateId, { command: "pre_debit_notify", object_reference_id: notificationId, source_info: JSON.stringify({ amount: "20", txn_date: String(Math.floor(Date.now() / 1000) + 26 * 3600) }) });
    advanceClock(61_000);
    const atSim = simNotification(notificationId)!;
    expect(atSim.status).toBe("SUCCESS");
    const row = await waitForFinal(stack, await ingestFixture("webhooks/notification_succeeded.json", { mandateId, notificationId, juspayNotificationId: atSim.id }));
    expect(row.state).toBe("UNMATCHED");
    expect(await ourNotification(notificationId)).toBeUndefined();
  });
});

describe("mandate events the previous version stored IGNORED", () => {
  /** The row the service before issue 7 wrote: processed once, IGNORED with its deferral reason, no job left. */
  async function storeIgnored(file: string, ours: Ours): Promise<string> {
    const body = rewritten(file, ours);
    const parsed = parseWebhookEnvelope(body);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const e = parsed.value;
    const eventId = newWebhookEventId();
    await db()
      .insertInto("webhook_events")
      .values({ event_id: eventId, dedup_key: e.dedupKey, juspay_event_id: e.eventId, event_name: e.eventName, order_id: e.orderId, mandate_id: e.mandateId, state: "IGNORED", body, juspay_create_time: e.dateCreated, process_time: new Date(Date.now() - 86_400_000), attempt_count: 1, last_error: OLD_DEFERRED_REASON })
      .execute();
    return eventId;
  }

  it("are found by ListWebhookEvents, and ReplayWebhookEvent processes them: our rows reach Juspay's state", async () => {
    const revoked = await register();
    await atJuspay(revoked.mandateId, { command: "revoke" });
    const notified = await register();
    const notification = await sendNotification(notified.mandateId, 3_000n);
    advanceClock(61_000);
    const mandateEvent = await storeIgnored("webhooks/mandate_revoked.json", revoked);
    const notificationEvent = await storeIgnored("webhooks/notification_succeeded.json", notification);
    // Stored IGNORED, nothing happens by itself.
    await new Promise((r) => setTimeout(r, 300));
    expect((await ourMandate(revoked.mandateId))?.status).toBe("ACTIVE");

    const listed = await stack.webhooks.listWebhookEvents({ states: [WebhookEventState.IGNORED], eventName: "MANDATE_REVOKED", mandateId: revoked.mandateId });
    expect(listed.events.map((e) => e.eventId)).toEqual([mandateEvent]);

    for (const eventId of [mandateEvent, notificationEvent]) {
      await stack.webhooks.replayWebhookEvent({ idempotencyKey: `replay-${eventId}`, eventId });
      const done = await eventually(async () => {
        const row = await eventRow(stack, eventId);
        return row?.state === "PROCESSED" ? row : undefined;
      }, 10_000, `event ${eventId} PROCESSED after the replay`);
      expect(done.attempt_count).toBe(2);
      expect(done.last_error).toBeNull();
    }
    expect((await ourMandate(revoked.mandateId))?.status).toBe("REVOKED");
    expect((await ourNotification(notification.notificationId!))?.status).toBe("SUCCESS");
    const revokedEvents = await db().selectFrom("payment_events").select(["type"]).where("mandate_id", "=", revoked.mandateId).where("type", "=", "MANDATE_REVOKED").execute();
    expect(revokedEvents).toHaveLength(1);
  });
});
