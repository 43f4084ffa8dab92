import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail } from "@payments/client";
import type { ErrorDetail, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { PaymentEvent, PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import type { Mandate } from "@payments/proto/payments/v1/mandate_pb";
import type { SendPreDebitNotificationResponse } from "@payments/proto/payments/v1/mandate_service_pb";
import { MandateStatus } from "@payments/proto/payments/v1/statuses_pb";
import { expect } from "vitest";
import { registerMandate, type MandateOptionsInit, type RegisteredMandate } from "./mandates.js";
import { eventually, type Stack } from "./stack.js";

// Shared by the pre-debit notification and mandate debit tests: an ACTIVE
// mandate as our service knows it, notifications, what the simulator saw,
// our rows, refusals with their ErrorDetail, and waiting for one payment
// event on StreamPaymentEvents.

export const inr = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });

/** A protobuf Timestamp `ms` from now (whole seconds, as the contract asks). */
export const fromNow = (ms: number) => timestampFromDate(new Date(Math.floor((Date.now() + ms) / 1000) * 1000));

export const HOUR_MS = 3_600_000;

/** The planned debit time of every notification a test file sends (25 h ahead): a replay's parameters are then exactly the same. */
export const DEBIT_TIME = fromNow(25 * HOUR_MS);

export interface ActiveMandate extends RegisteredMandate {
  mandate: Mandate;
}

/** Registers a mandate (UPI, paid by the simulated SDK) and waits until GetMandateOrderStatus shows it ACTIVE. */
export async function activeMandate(stack: Stack, orderId: string, mandate?: MandateOptionsInit): Promise<ActiveMandate> {
  const registered = await registerMandate(stack, { orderId, ...(mandate !== undefined && { mandate }) });
  expect(registered.sdkStatus).toBe("charged");
  expect(registered.mandateId).not.toBe("");
  const active = await eventually(
    async () => {
      const res = await stack.mandates.getMandateOrderStatus({ orderId }).catch((err: unknown) => {
        throw new Error(`GetMandateOrderStatus(${orderId}) failed: ${String(err)}; service errors: ${serviceErrors(stack)}`);
      });
      return res.mandate?.status === MandateStatus.ACTIVE ? res.mandate : undefined;
    },
    10_000,
    `mandate of ${orderId} to be ACTIVE`,
  );
  expect(active.mandateId).toBe(registered.mandateId);
  await webhooksSettled(stack);
  return { ...registered, mandate: active };
}

/** The service's error log lines (level ≥ 50), for failure messages. */
export function serviceErrors(stack: Stack): string {
  return JSON.stringify(stack.logs.filter((l) => Number(l.level) >= 50).map((l) => ({ msg: l.msg, err: l.err })));
}

/**
 * Waits until every webhook the simulator has due is delivered and processed
 * (MANDATE_* webhooks make the service re-read check_status, on the same
 * route as pre_debit_notify): then a test can count Juspay calls, or aim a
 * fault at one, without background calls getting in between.
 */
export async function webhooksSettled(stack: Stack): Promise<void> {
  await eventually(
    async () => {
      const now = stack.sim.clock.now();
      const due = stack.sim.webhooks.deliveries().filter((d) => (d.state === "pending" || d.state === "held") && (d.nextAttemptAt === undefined || d.nextAttemptAt <= now));
      if (due.length > 0) return undefined;
      const jobs = await stack.database.database.db.selectFrom("jobs").select("id").where("kind", "=", "webhook.process").where("state", "in", ["available", "running"]).execute();
      return jobs.length === 0 ? true : undefined;
    },
    15_000,
    "webhooks to be delivered and processed",
  );
}

/** SendPreDebitNotification for a debit at DEBIT_TIME (key derived from the notification id). */
export async function notify(
  stack: Stack,
  mandateId: string,
  notificationId: string,
  amountMinor: bigint,
  options: { key?: string; timeoutMs?: number } = {},
): Promise<SendPreDebitNotificationResponse> {
  return stack.mandates.sendPreDebitNotification(
    { idempotencyKey: options.key ?? `pdn-${notificationId}`, mandateId, notificationId, amount: inr(amountMinor), debitTime: DEBIT_TIME, description: "Your monthly plan" },
    options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
  );
}

/** The simulator's notifications (pre_debit_notify calls it accepted), for one mandate or all. */
export function simNotifications(stack: Stack, mandateId?: string) {
  return Object.values(stack.sim.state.notifications).filter((n) => mandateId === undefined || n.mandateId === mandateId);
}

/** Requests the simulator received on a route ("txns", "mandate_command", "order_status", ...). */
export function simRequests(stack: Stack, route: string): number {
  return stack.sim.counters.snapshot().requests[route] ?? 0;
}

/** A mandate command sent to the simulator directly (as the payer or Juspay's dashboard would change it), with its webhooks held back. */
export async function simMandateCommandUnannounced(stack: Stack, mandateId: string, fields: Record<string, string>): Promise<void> {
  const url = stack.sim.webhooks.settings().url ?? null;
  stack.sim.webhooks.configure({ url: null });
  try {
    const res = await fetch(`${stack.sim.url}/mandates/${mandateId}`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${stack.sim.options.apiKey}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields),
    });
    if (!res.ok) throw new Error(`sim mandate command: ${res.status} ${await res.text()}`);
  } finally {
    stack.sim.webhooks.configure({ url });
  }
}

/** The simulator's order of that id (undefined when Juspay never heard of it). */
export function simOrder(stack: Stack, orderId: string) {
  return stack.sim.order(orderId);
}

export async function notificationRow(stack: Stack, notificationId: string) {
  return stack.database.database.db.selectFrom("mandate_notifications").selectAll().where("notification_id", "=", notificationId).executeTakeFirst();
}

export async function orderRow(stack: Stack, orderId: string) {
  return stack.database.database.db.selectFrom("orders").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}

export async function executionRow(stack: Stack, orderId: string) {
  return stack.database.database.db.selectFrom("mandate_executions").selectAll().where("order_id", "=", orderId).executeTakeFirst();
}

/** Waits until the orders row of `orderId` has `status`. */
export async function waitForOrderRow(stack: Stack, orderId: string, status: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const row = await orderRow(stack, orderId);
      return row?.status === status ? row : undefined;
    },
    timeoutMs,
    `order ${orderId} to become ${status}`,
  );
}

/** The stored Juspay webhooks of one name whose body mentions `id` (an order or notification id). */
export async function webhookRows(stack: Stack, eventName: string, id: string) {
  const rows = await stack.database.database.db.selectFrom("webhook_events").selectAll().where("event_name", "=", eventName).execute();
  return rows.filter((r) => Buffer.from(r.body).toString("utf8").includes(`"${id}"`));
}

/** Waits until a webhook of that name mentioning `id` was stored and PROCESSED. */
export async function waitForProcessedWebhook(stack: Stack, eventName: string, id: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const rows = await webhookRows(stack, eventName, id);
      return rows.some((r) => r.state === "PROCESSED") ? rows : undefined;
    },
    timeoutMs,
    `${eventName} webhook for ${id} to be PROCESSED`,
  );
}

/** The first event of `types` on StreamPaymentEvents (from the oldest retained) that `match` accepts. */
export async function streamedEvent(stack: Stack, types: PaymentEventType[], match: (e: PaymentEvent) => boolean, timeoutMs = 15_000): Promise<PaymentEvent> {
  try {
    for await (const res of stack.webhooks.streamPaymentEvents({ start: { case: "afterCursor", value: 0n }, types }, { timeoutMs })) {
      if (res.message.case === "event" && match(res.message.value)) return res.message.value;
    }
  } catch (err) {
    if (ConnectError.from(err).code !== Code.DeadlineExceeded) throw err;
  }
  throw new Error(`no matching ${types.join("/")} event on StreamPaymentEvents within ${timeoutMs} ms`);
}

/** The call's rejection with its ErrorDetail, checked against the expected code, reason and (optionally) field. */
export async function refusal(promise: Promise<unknown>, code: Code, reason: ErrorReason, field?: string): Promise<{ error: ConnectError; detail: ErrorDetail }> {
  let error: ConnectError | undefined;
  try {
    await promise;
  } catch (err) {
    error = ConnectError.from(err);
  }
  if (error === undefined) throw new Error(`expected ${Code[code]} ${reason}, but the call succeeded`);
  const detail = errorDetail(error);
  expect({ code: Code[error.code], reason: detail?.reason, message: error.rawMessage }).toMatchObject({ code: Code[code], reason });
  if (field !== undefined) expect(detail!.fieldViolations.map((v) => v.field)).toContain(field);
  return { error, detail: detail! };
}
