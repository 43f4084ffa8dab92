import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { MandateCommandResult } from "@payments/proto/payments/v1/mandate_pb";
import { StaleReason } from "@payments/proto/payments/v1/order_pb";
import { MandateStatus, NotificationStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  activeMandate,
  DEBIT_TIME,
  fromNow,
  HOUR_MS,
  inr,
  notificationRow,
  notify,
  refusal,
  simNotifications,
  simRequests,
  streamedEvent,
  waitForProcessedWebhook,
  webhooksSettled,
  type ActiveMandate,
} from "./helpers/mandate-debit-calls.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// SendPreDebitNotification and GetPreDebitNotification against the simulator
// (spec: issue 7, ADR 0013): the notification is written PENDING before
// Juspay's pre_debit_notify, delivered 60 simulated seconds later (SUCCESS,
// or FAILURE JP_852 when the paise end in 13) and followed by webhook, sync
// job and reads; replays never send a second notification; our own rules
// refuse bad requests before any write or Juspay call; a lost answer stays
// PENDING until the notification.sync job reads Juspay.

let stack: Stack;
let m: ActiveMandate;
beforeAll(async () => {
  // USD is enabled so that "another currency" reaches the mandate comparison (a currency not enabled is refused earlier, as INVALID_ARGUMENT).
  stack = await startStack({ webhooks: true, settings: { currencies: ["INR", "USD"] } });
  m = await activeMandate(stack, "mdn1");
});
afterEach(() => stack.sim.faults.clear());
afterAll(async () => stack?.stop());

const NOT_SETTLED = [NotificationStatus.PENDING, NotificationStatus.CREATED];
const NOTIFICATION_DELAY_MS = 60_000;

/** The simulator's notification sent with our id as object_reference_id (fails the test unless exactly one). */
function onlySimNotification(notificationId: string) {
  const sent = simNotifications(stack).filter((n) => n.objectReferenceId === notificationId);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** Waits until GetPreDebitNotification answers `status`. */
async function waitForStatus(notificationId: string, status: NotificationStatus) {
  return eventually(
    async () => {
      const res = await stack.mandates.getPreDebitNotification({ notificationId });
      return res.notification?.status === status ? res : undefined;
    },
    15_000,
    `notification ${notificationId} to be ${NotificationStatus[status]}`,
  );
}

describe("SendPreDebitNotification", () => {
  it("answers PENDING/CREATED with the row written, then SUCCESS after 60 simulated seconds, by the NOTIFICATION_SUCCEEDED webhook and GetPreDebitNotification", async () => {
    const sentBefore = simNotifications(stack, m.mandateId).length;
    const res = await notify(stack, m.mandateId, "pdnOk1", 2_000n);
    const n = res.notification!;
    expect(NOT_SETTLED).toContain(n.status);
    expect(n).toMatchObject({ notificationId: "pdnOk1", mandateId: m.mandateId, description: "Your monthly plan", responseCode: "" });
    expect(n.amount).toMatchObject(inr(2_000n));
    expect(timestampDate(n.debitTime!).getTime()).toBeGreaterThan(Date.now() + 24 * HOUR_MS);
    const atSim = onlySimNotification("pdnOk1");
    expect(atSim.mandateId).toBe(m.mandateId);
    expect(atSim.amountMinor).toBe(2_000);
    expect(n.juspayNotificationId).toBe(atSim.id);
    expect(simNotifications(stack, m.mandateId)).toHaveLength(sentBefore + 1);
    const row = await notificationRow(stack, "pdnOk1");
    expect(row).toMatchObject({ mandate_id: m.mandateId, amount_minor: 2_000n, currency: "INR" });
    expect(["PENDING", "CREATED"]).toContain(row!.status);

    stack.sim.clock.advance(NOTIFICATION_DELAY_MS);
    const hooks = await waitForProcessedWebhook(stack, "NOTIFICATION_SUCCEEDED", "pdnOk1");
    expect(hooks.every((h) => h.state === "PROCESSED")).toBe(true);
    await eventually(async () => ((await notificationRow(stack, "pdnOk1"))?.status === "SUCCESS" ? true : undefined), 10_000, "row SUCCESS");
    const got = await stack.mandates.getPreDebitNotification({ notificationId: "pdnOk1" });
    expect(got.stale).toBe(false);
    expect(got.notification).toMatchObject({ notificationId: "pdnOk1", juspayNotificationId: atSim.id, mandateId: m.mandateId, status: NotificationStatus.SUCCESS, statusRaw: "SUCCESS" });

    const event = await streamedEvent(stack, [PaymentEventType.NOTIFICATION_SUCCEEDED], (e) => e.subject.case === "notification" && e.subject.value.notificationId === "pdnOk1");
    expect(event.mandateId).toBe(m.mandateId);
    expect(event.subject.value).toMatchObject({ status: NotificationStatus.SUCCESS });
    expect(onlySimNotification("pdnOk1").status).toBe("SUCCESS");
  });

  it("paise ending in 13: FAILURE with response_code JP_852, announced as NOTIFICATION_FAILED", async () => {
    const res = await notify(stack, m.mandateId, "pdnFail1", 2_013n);
    expect(NOT_SETTLED).toContain(res.notification!.status);
    stack.sim.clock.advance(NOTIFICATION_DELAY_MS);
    const got = await waitForStatus("pdnFail1", NotificationStatus.FAILURE);
    expect(got.notification).toMatchObject({ responseCode: "JP_852", statusRaw: "FAILURE" });
    expect(got.notification!.amount).toMatchObject(inr(2_013n));
    const event = await streamedEvent(stack, [PaymentEventType.NOTIFICATION_FAILED], (e) => e.subject.case === "notification" && e.subject.value.notificationId === "pdnFail1");
    expect(event.mandateId).toBe(m.mandateId);
    expect(event.subject.value).toMatchObject({ status: NotificationStatus.FAILURE, responseCode: "JP_852" });
    expect((await notificationRow(stack, "pdnFail1"))?.status).toBe("FAILURE");
  });

  it("replays: the same key, or the same id and parameters under another key, give the same notification and one pre_debit_notify", async () => {
    const first = await notify(stack, m.mandateId, "pdnRep1", 3_000n, { key: "pdn-rep1-a" });
    const sent = simNotifications(stack, m.mandateId).length;
    for (const key of ["pdn-rep1-a", "pdn-rep1-a", "pdn-rep1-b"]) {
      const again = await notify(stack, m.mandateId, "pdnRep1", 3_000n, { key });
      expect(again.notification).toMatchObject({ notificationId: "pdnRep1", juspayNotificationId: first.notification!.juspayNotificationId, mandateId: m.mandateId });
      expect(again.notification!.amount).toMatchObject(inr(3_000n));
    }
    onlySimNotification("pdnRep1");
    expect(simNotifications(stack, m.mandateId)).toHaveLength(sent);
    const rows = await stack.database.database.db.selectFrom("mandate_notifications").select("notification_id").where("notification_id", "=", "pdnRep1").execute();
    expect(rows).toHaveLength(1);
  });

  it("refuses a used notification_id with other parameters: ALREADY_EXISTS ID_ALREADY_USED, the row unchanged", async () => {
    await notify(stack, m.mandateId, "pdnUsed1", 1_500n);
    const sent = simNotifications(stack).length;
    const { detail } = await refusal(notify(stack, m.mandateId, "pdnUsed1", 1_600n, { key: "pdn-used1-other" }), Code.AlreadyExists, ErrorReason.ID_ALREADY_USED, "notification_id");
    expect(detail.retryable).toBe(false);
    expect(simNotifications(stack)).toHaveLength(sent);
    expect((await notificationRow(stack, "pdnUsed1"))?.amount_minor).toBe(1_500n);
    onlySimNotification("pdnUsed1");
  });

  const usd = { amountMinor: 2_000n, currency: "USD" };
  it.each([
    ["an amount above max_amount", "pdnBad1", { amount: inr(500_001n) }, Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "amount"],
    ["another currency", "pdnBad2", { amount: usd }, Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "amount.currency"],
    ["a debit_time in the past", "pdnBad3", { debitTime: fromNow(-HOUR_MS) }, Code.InvalidArgument, ErrorReason.INVALID_FIELD, "debit_time"],
    ["a debit_time after the mandate's end", "pdnBad4", { debitTime: fromNow(31 * 366 * 24 * HOUR_MS) }, Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "debit_time"],
    ["an unknown mandate", "pdnBad5", { mandateId: "mdt_unknown_1" }, Code.NotFound, ErrorReason.NOT_FOUND, undefined],
    // Juspay's Notification API limits (issue 17): object_reference_id 1-25 alphanumerics, description at most 50.
    ["a notification_id of 26 characters", "pdnBad6".padEnd(26, "x"), {}, Code.InvalidArgument, ErrorReason.INVALID_FIELD, "notification_id"],
    ["a notification_id with an underscore", "pdn_bad7", {}, Code.InvalidArgument, ErrorReason.INVALID_FIELD, "notification_id"],
    ["a notification_id with a hyphen", "pdn-bad8", {}, Code.InvalidArgument, ErrorReason.INVALID_FIELD, "notification_id"],
    ["a description of 51 characters", "pdnBad9", { description: "d".repeat(51) }, Code.InvalidArgument, ErrorReason.INVALID_FIELD, "description"],
    ["a description of 26 emoji (52 UTF-16 code units)", "pdnBad10", { description: "😀".repeat(26) }, Code.InvalidArgument, ErrorReason.INVALID_FIELD, "description"],
  ] as const)("refuses %s with no write and no Juspay call", async (_name, notificationId, over, code, reason, field) => {
    const calls = simRequests(stack, "mandate_command");
    const sent = simNotifications(stack).length;
    const request = { idempotencyKey: `key-${notificationId}`, mandateId: m.mandateId, notificationId, amount: inr(2_000n), debitTime: DEBIT_TIME, ...over };
    await refusal(stack.mandates.sendPreDebitNotification(request), code, reason, field);
    expect(await notificationRow(stack, notificationId)).toBeUndefined();
    expect(simRequests(stack, "mandate_command")).toBe(calls);
    expect(simNotifications(stack)).toHaveLength(sent);
  });

  it("sends values at Juspay's limits unchanged: a 25-character id and a 50-character description (the control for the refusals above)", async () => {
    const notificationId = "pdnLimit".padEnd(25, "9");
    const description = "d".repeat(50);
    const res = await stack.mandates.sendPreDebitNotification({ idempotencyKey: "key-pdnLimit", mandateId: m.mandateId, notificationId, amount: inr(2_000n), debitTime: DEBIT_TIME, description });
    expect(res.notification).toMatchObject({ notificationId, description });
    expect(onlySimNotification(notificationId).description).toBe(description);
  });

  it("refuses a PAUSED and then a REVOKED mandate: MANDATE_STATE_INVALID, nothing written or sent", async () => {
    const other = await activeMandate(stack, "mdn2");
    const paused = await stack.mandates.pauseMandate({ idempotencyKey: "pause-mdn2", mandateId: other.mandateId });
    expect(paused.result).toBe(MandateCommandResult.APPLIED);
    expect(paused.mandate?.status).toBe(MandateStatus.PAUSED);
    for (const state of ["paused", "revoked"]) {
      if (state === "revoked") {
        const revoked = await stack.mandates.revokeMandate({ idempotencyKey: "revoke-mdn2", mandateId: other.mandateId });
        expect(revoked.mandate?.status).toBe(MandateStatus.REVOKED);
      }
      await webhooksSettled(stack);
      const calls = simRequests(stack, "mandate_command");
      await refusal(notify(stack, other.mandateId, `pdn${state}`, 2_000n), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
      expect(await notificationRow(stack, `pdn${state}`)).toBeUndefined();
      expect(simRequests(stack, "mandate_command")).toBe(calls);
      expect(simNotifications(stack, other.mandateId)).toHaveLength(0);
    }
  });

  it("GetPreDebitNotification of an unknown id: NOT_FOUND", async () => {
    await refusal(stack.mandates.getPreDebitNotification({ notificationId: "pdnNobody" }), Code.NotFound, ErrorReason.NOT_FOUND);
  });
});

describe("SendPreDebitNotification when Juspay's answer is lost", () => {
  it("answers PENDING within the deadline; the notification.sync job reads Juspay and follows it to SUCCESS, with one notification at Juspay", async () => {
    const sent = simNotifications(stack, m.mandateId).length;
    stack.sim.faults.add({ route: "mandate_command", fault: { kind: "hang", afterHandler: true }, pathIncludes: m.mandateId });
    const started = Date.now();
    const res = await notify(stack, m.mandateId, "pdnLost1", 4_000n, { timeoutMs: 2_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.notification?.status).toBe(NotificationStatus.PENDING);
    expect(res.notification?.notificationId).toBe("pdnLost1");
    expect(stack.sim.faults.list()).toEqual([]);
    // Juspay took it (the handler ran before the answer was lost).
    const atSim = onlySimNotification("pdnLost1");
    // The sync job reads GET /notifications/pdnLost1 and records Juspay's id, without sending it again.
    await eventually(async () => ((await notificationRow(stack, "pdnLost1"))?.juspay_notification_id === atSim.id ? true : undefined), 15_000, "the sync job to read Juspay");
    expect(simNotifications(stack, m.mandateId)).toHaveLength(sent + 1);
    stack.sim.clock.advance(NOTIFICATION_DELAY_MS);
    await eventually(async () => ((await notificationRow(stack, "pdnLost1"))?.status === "SUCCESS" ? true : undefined), 15_000, "row SUCCESS");
    const got = await stack.mandates.getPreDebitNotification({ notificationId: "pdnLost1" });
    expect(got.notification).toMatchObject({ status: NotificationStatus.SUCCESS, juspayNotificationId: atSim.id });
    onlySimNotification("pdnLost1");
    expect(simNotifications(stack, m.mandateId)).toHaveLength(sent + 1);
    // Replaying after the outcome is known still sends nothing.
    const replay = await notify(stack, m.mandateId, "pdnLost1", 4_000n);
    expect(replay.notification?.notificationId).toBe("pdnLost1");
    expect(simNotifications(stack, m.mandateId)).toHaveLength(sent + 1);
  });

  it("GetPreDebitNotification with Juspay down answers our row, stale; fresh again once Juspay is back", async () => {
    const res = await notify(stack, m.mandateId, "pdnStale1", 2_500n);
    stack.sim.faults.add({ route: "notification_status", fault: { kind: "status", status: 503 }, times: Infinity });
    const stale = await stack.mandates.getPreDebitNotification({ notificationId: "pdnStale1" });
    expect(stale.stale).toBe(true);
    expect(stale.staleReason).toBe(StaleReason.JUSPAY_UNAVAILABLE);
    expect(stale.notification).toMatchObject({ notificationId: "pdnStale1", mandateId: m.mandateId, status: res.notification!.status });
    stack.sim.faults.clear();
    const fresh = await stack.mandates.getPreDebitNotification({ notificationId: "pdnStale1" });
    expect(fresh.stale).toBe(false);
    expect(fresh.staleReason).toBe(StaleReason.UNSPECIFIED);
  });
});
