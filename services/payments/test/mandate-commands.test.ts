import { Code } from "@connectrpc/connect";
import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { errorDetail } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { MandateCommandResult } from "@payments/proto/payments/v1/mandate_pb";
import { MandateStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  fromNow,
  mandateJobsSettled,
  mandateRow,
  simMandateCommand,
  simMandateCommands,
  simMandateStatus,
  simMandateWebhooks,
  streamedMandateEvents,
  waitForMandateRow,
} from "./helpers/mandate-calls.js";
import { monthlyMandate, registerMandate, type MandateOptionsInit } from "./helpers/mandates.js";
import { rpcError } from "./helpers/refund-calls.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// RevokeMandate, PauseMandate and ResumeMandate against the simulator (issue
// 7, ADR 0013): each command applied at Juspay and in our row, idempotent
// replays without a Juspay call, key reuse, a revoke whose answer was lost and
// its retry (reliability criterion 9), the mandate.sync job resolving a lost
// answer alone, Juspay refusing a command for a mandate changed behind the
// service's back, and bad inputs refused with clear errors before any Juspay
// call. No webhook bridge here: only the commands, the reads and the sync job
// move our rows, and every POST /mandates/:id the simulator counts is the
// service's own. The mandate.sync job waits 1.5 s before its first poll, so a
// quick retry after a lost answer meets Juspay rather than a settled row.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ settings: { orderSyncDelayMs: 1_500 } });
});
afterEach(() => stack.sim.faults.clear());
afterAll(async () => stack?.stop());

const APPLIED = MandateCommandResult.APPLIED;
const PENDING = MandateCommandResult.PENDING;
const ms = (t: Timestamp | undefined) => (t === undefined ? undefined : Number(timestampMs(t)));

/** A mandate registered through a process payload and the simulated SDK, and known to the service (ACTIVE). */
async function activeMandate(orderId: string, mandate?: MandateOptionsInit): Promise<string> {
  const reg = await registerMandate(stack, { orderId, customerId: "cust_cmd", ...(mandate && { mandate }) });
  expect(reg.sdkStatus).toBe("charged");
  const status = await stack.mandates.getMandateOrderStatus({ orderId });
  expect(status.mandate?.mandateId).toBe(reg.mandateId);
  expect(status.mandate?.status).toBe(MandateStatus.ACTIVE);
  return reg.mandateId;
}

/** Runs `call` and checks that it made no POST /mandates/:id (command or check_status) at the simulator. */
async function withoutJuspay<T>(call: () => Promise<T>): Promise<T> {
  await mandateJobsSettled(stack);
  const before = simMandateCommands(stack);
  const result = await call();
  expect(simMandateCommands(stack)).toBe(before);
  return result;
}

async function refused(promise: Promise<unknown>, code: Code, reason: ErrorReason, field?: string) {
  const err = await rpcError(promise);
  expect(err.code).toBe(code);
  const detail = errorDetail(err);
  expect(detail?.reason).toBe(reason);
  if (field !== undefined) expect(detail?.fieldViolations.map((v) => v.field)).toEqual([field]);
  return detail!;
}

/** The mandate's MANDATE_* events as a StreamPaymentEvents consumer receives them, once the background jobs are done. */
async function mandateEventTypes(mandateId: string): Promise<string[]> {
  await mandateJobsSettled(stack);
  const events = await streamedMandateEvents(stack, mandateId);
  return events.map((e) => PaymentEventType[e.type]).filter((t) => t.startsWith("MANDATE_"));
}

describe("PauseMandate, ResumeMandate, RevokeMandate", () => {
  it("pause (no dates), resume, revoke: each APPLIED, the mandate in the new state in our row and at Juspay, one event each", async () => {
    const id = await activeMandate("mcm1");
    const paused = await stack.mandates.pauseMandate({ idempotencyKey: "pause-mcm1-1", mandateId: id });
    expect(paused.result).toBe(APPLIED);
    expect(paused.mandate?.mandateId).toBe(id);
    expect(paused.mandate?.status).toBe(MandateStatus.PAUSED);
    expect(paused.mandate?.pauseStartTime).toBeDefined();
    expect((await mandateRow(stack, id))?.status).toBe("PAUSED");
    expect(simMandateStatus(stack, id)).toBe("PAUSED");

    const resumed = await stack.mandates.resumeMandate({ idempotencyKey: "resume-mcm1-1", mandateId: id });
    expect(resumed.result).toBe(APPLIED);
    expect(resumed.mandate?.status).toBe(MandateStatus.ACTIVE);
    expect((await mandateRow(stack, id))?.status).toBe("ACTIVE");
    expect(simMandateStatus(stack, id)).toBe("ACTIVE");

    const revoked = await stack.mandates.revokeMandate({ idempotencyKey: "revoke-mcm1-1", mandateId: id, reason: "subscription cancelled" });
    expect(revoked.result).toBe(APPLIED);
    expect(revoked.mandate?.status).toBe(MandateStatus.REVOKED);
    expect((await mandateRow(stack, id))?.status).toBe("REVOKED");
    expect(simMandateStatus(stack, id)).toBe("REVOKED");

    // Reading it again re-applies Juspay's report: no second event.
    expect((await stack.mandates.getMandate({ mandateId: id })).mandate?.status).toBe(MandateStatus.REVOKED);
    expect(await mandateEventTypes(id)).toEqual(["MANDATE_ACTIVATED", "MANDATE_PAUSED", "MANDATE_RESUMED", "MANDATE_REVOKED"]);
  });

  it("pause with a period: the dates reach Juspay and our row; a replay is the stored answer without a call; the key with other dates is IDEMPOTENCY_KEY_REUSED", async () => {
    const id = await activeMandate("mcm2");
    const start = fromNow(10 * 60_000);
    const end = fromNow(10 * 24 * 3_600_000);
    const request = { idempotencyKey: "pause-mcm2-1", mandateId: id, pauseStartTime: start, pauseEndTime: end };
    const first = await stack.mandates.pauseMandate(request);
    expect(first.result).toBe(APPLIED);
    expect(first.mandate?.status).toBe(MandateStatus.PAUSED);
    expect(ms(first.mandate?.pauseStartTime)).toBe(ms(start));
    expect(ms(first.mandate?.pauseEndTime)).toBe(ms(end));
    const sim = stack.sim.state.mandates[id]!;
    expect(sim.status).toBe("PAUSED");
    expect(sim.pauseStartDate).toBe(ms(start));
    expect(sim.pauseEndDate).toBe(ms(end));
    const row = await mandateRow(stack, id);
    expect(row?.pause_start_at?.getTime()).toBe(ms(start));
    expect(row?.pause_end_at?.getTime()).toBe(ms(end));

    const replay = await withoutJuspay(() => stack.mandates.pauseMandate(request));
    expect(replay).toEqual(first);
    const reused = await withoutJuspay(() => refused(stack.mandates.pauseMandate({ ...request, pauseEndTime: fromNow(20 * 24 * 3_600_000) }), Code.FailedPrecondition, ErrorReason.IDEMPOTENCY_KEY_REUSED));
    expect(reused.retryable).toBe(false);
    // Already PAUSED: the same period under a new key is APPLIED without a call; another period is refused.
    const same = await withoutJuspay(() => stack.mandates.pauseMandate({ ...request, idempotencyKey: "pause-mcm2-2" }));
    expect(same.result).toBe(APPLIED);
    expect(same.mandate?.status).toBe(MandateStatus.PAUSED);
    const other = { ...request, idempotencyKey: "pause-mcm2-3", pauseEndTime: fromNow(20 * 24 * 3_600_000) };
    await refused(stack.mandates.pauseMandate(other), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
    expect(stack.sim.state.mandates[id]!.pauseEndDate).toBe(ms(end));
    expect(simMandateWebhooks(stack, id, "MANDATE_PAUSED")).toBe(1);
    expect(await mandateEventTypes(id)).toEqual(["MANDATE_ACTIVATED", "MANDATE_PAUSED"]);
  });

  it("a pause of a PAUSED mandate for another period is refused from our row, without calling Juspay (spec: checks on our row)", async () => {
    const id = await activeMandate("mcm2b");
    const request = { idempotencyKey: "pause-mcm2b-1", mandateId: id, pauseStartTime: fromNow(10 * 60_000), pauseEndTime: fromNow(10 * 24 * 3_600_000) };
    expect((await stack.mandates.pauseMandate(request)).result).toBe(APPLIED);
    const other = { ...request, idempotencyKey: "pause-mcm2b-2", pauseEndTime: fromNow(20 * 24 * 3_600_000) };
    await withoutJuspay(() => refused(stack.mandates.pauseMandate(other), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID));
  });

  it("revoke twice with a timeout between: PENDING, then the retry with the same key is APPLIED and REVOKED, one change at Juspay (criterion 9)", async () => {
    const id = await activeMandate("mcm3");
    // Juspay revokes it, but its answer never arrives.
    stack.sim.faults.add({ route: "mandate_command", fault: { kind: "hang", afterHandler: true }, pathIncludes: id });
    const request = { idempotencyKey: "revoke-mcm3-1", mandateId: id };
    const started = Date.now();
    const first = await stack.mandates.revokeMandate(request, { timeoutMs: 1_500 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(first.result).toBe(PENDING);
    expect(first.mandate?.mandateId).toBe(id);
    expect(first.mandate?.status).toBe(MandateStatus.ACTIVE);
    expect(simMandateStatus(stack, id)).toBe("REVOKED");

    const retry = await stack.mandates.revokeMandate(request, { timeoutMs: 5_000 });
    expect(retry.result).toBe(APPLIED);
    expect(retry.mandate?.status).toBe(MandateStatus.REVOKED);
    expect((await mandateRow(stack, id))?.status).toBe("REVOKED");
    const replay = await withoutJuspay(() => stack.mandates.revokeMandate(request));
    expect(replay.result).toBe(APPLIED);
    expect(replay.mandate?.status).toBe(MandateStatus.REVOKED);
    expect(simMandateWebhooks(stack, id, "MANDATE_REVOKED")).toBe(1);
    expect(await mandateEventTypes(id)).toEqual(["MANDATE_ACTIVATED", "MANDATE_REVOKED"]);
  });

  it("a PENDING revoke is resolved by the mandate.sync job alone", async () => {
    const id = await activeMandate("mcm4");
    stack.sim.faults.add({ route: "mandate_command", fault: { kind: "hang", afterHandler: true }, pathIncludes: id });
    const first = await stack.mandates.revokeMandate({ idempotencyKey: "revoke-mcm4-1", mandateId: id }, { timeoutMs: 1_500 });
    expect(first.result).toBe(PENDING);
    expect((await mandateRow(stack, id))?.status).toBe("ACTIVE");
    // No retry, no read: only the job can bring Juspay's REVOKED into our row.
    const row = await waitForMandateRow(stack, id, "REVOKED", 15_000);
    expect(row.last_synced_at).not.toBeNull();
    // The job that did it: one mandate.sync for this mandate, done once the mandate reached REVOKED.
    const job = await eventually(async () => {
      const jobs = await stack.database.database.db.selectFrom("jobs").select(["payload", "state"]).where("kind", "=", "mandate.sync").execute();
      const mine = jobs.filter((j) => JSON.stringify(j.payload).includes(id));
      return mine.length === 1 && mine[0]!.state === "completed" ? mine[0] : undefined;
    });
    expect(job.state).toBe("completed");
    expect(await mandateEventTypes(id)).toEqual(["MANDATE_ACTIVATED", "MANDATE_REVOKED"]);
  });

  it("Juspay refuses a command for a mandate the payer revoked in their app: revoke is APPLIED via check_status, pause is MANDATE_STATE_INVALID with Juspay's code", async () => {
    const toRevoke = await activeMandate("mcm5");
    const toPause = await activeMandate("mcm6");
    await simMandateCommand(stack, toRevoke, { command: "revoke" });
    await simMandateCommand(stack, toPause, { command: "revoke" });
    expect((await mandateRow(stack, toRevoke))?.status).toBe("ACTIVE");

    const before = simMandateCommands(stack);
    const revoked = await stack.mandates.revokeMandate({ idempotencyKey: "revoke-mcm5-1", mandateId: toRevoke });
    expect(revoked.result).toBe(APPLIED);
    expect(revoked.mandate?.status).toBe(MandateStatus.REVOKED);
    // The revoke Juspay refused ("Mandate Not in Active State"), then check_status.
    expect(simMandateCommands(stack)).toBe(before + 2);
    expect((await mandateRow(stack, toRevoke))?.status).toBe("REVOKED");
    expect(simMandateWebhooks(stack, toRevoke, "MANDATE_REVOKED")).toBe(1);

    const detail = await refused(stack.mandates.pauseMandate({ idempotencyKey: "pause-mcm6-1", mandateId: toPause }), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
    expect(detail.juspayErrorCode).toBe("INVALID_ACTION");
    expect(detail.retryable).toBe(false);
    expect((await mandateRow(stack, toPause))?.status).toBe("REVOKED");
  });
});

describe("bad inputs: clear errors, no Juspay call", () => {
  it("resume on an ACTIVE mandate is APPLIED without a call; pause and resume on a REVOKED one are MANDATE_STATE_INVALID", async () => {
    const id = await activeMandate("mcm7");
    const resumed = await withoutJuspay(() => stack.mandates.resumeMandate({ idempotencyKey: "resume-mcm7-1", mandateId: id }));
    expect(resumed.result).toBe(APPLIED);
    expect(resumed.mandate?.status).toBe(MandateStatus.ACTIVE);
    expect((await stack.mandates.revokeMandate({ idempotencyKey: "revoke-mcm7-1", mandateId: id })).result).toBe(APPLIED);
    await withoutJuspay(async () => {
      await refused(stack.mandates.pauseMandate({ idempotencyKey: "pause-mcm7-1", mandateId: id }), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
      await refused(stack.mandates.resumeMandate({ idempotencyKey: "resume-mcm7-2", mandateId: id }), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
      // Revoking again is what the caller wanted: APPLIED, from our row.
      expect((await stack.mandates.revokeMandate({ idempotencyKey: "revoke-mcm7-2", mandateId: id })).result).toBe(APPLIED);
    });
    expect(simMandateStatus(stack, id)).toBe("REVOKED");
  });

  it("pause periods: end before start names pause_end_time, a start 1 h ago names pause_start_time, an end after the mandate's names pause_end_time", async () => {
    const id = await activeMandate("mcm8");
    const pause = (key: string, pauseStartTime: Timestamp, pauseEndTime?: Timestamp) => stack.mandates.pauseMandate({ idempotencyKey: key, mandateId: id, pauseStartTime, ...(pauseEndTime && { pauseEndTime }) });
    await withoutJuspay(async () => {
      await refused(pause("pause-mcm8-1", fromNow(2 * 3_600_000), fromNow(3_600_000)), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "pause_end_time");
      await refused(pause("pause-mcm8-2", fromNow(-3_600_000), fromNow(3_600_000)), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "pause_start_time");
      await refused(pause("pause-mcm8-3", fromNow(60_000), fromNow(31 * 365 * 24 * 3_600_000)), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "pause_end_time");
    });
    expect((await mandateRow(stack, id))?.status).toBe("ACTIVE");
    expect(simMandateStatus(stack, id)).toBe("ACTIVE");
    // INVALID_ARGUMENT is not stored under the key: fixed, the same key goes through.
    expect((await stack.mandates.pauseMandate({ idempotencyKey: "pause-mcm8-1", mandateId: id })).result).toBe(APPLIED);
    await withoutJuspay(() =>
      refused(stack.mandates.resumeMandate({ idempotencyKey: "resume-mcm8-1", mandateId: id, resumeTime: fromNow(-3_600_000) }), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "resume_time"),
    );
  });

  it("an unknown mandate is NOT_FOUND and a malformed mandate_id INVALID_ARGUMENT, for every command", async () => {
    await withoutJuspay(async () => {
      for (const [mandateId, code, reason] of [
        ["mcm_no_such_mandate", Code.NotFound, ErrorReason.NOT_FOUND],
        ["not a mandate!", Code.InvalidArgument, ErrorReason.INVALID_FIELD],
      ] as const) {
        const field = code === Code.InvalidArgument ? "mandate_id" : undefined;
        const key = `bad-${code}-key`;
        await refused(stack.mandates.revokeMandate({ idempotencyKey: key, mandateId }), code, reason, field);
        await refused(stack.mandates.pauseMandate({ idempotencyKey: key, mandateId }), code, reason, field);
        await refused(stack.mandates.resumeMandate({ idempotencyKey: key, mandateId }), code, reason, field);
      }
    });
  });

  // Last: it moves the simulated clock (a signed payload may be at most 15 simulated minutes old).
  it("revoking an EXPIRED or a FAILURE mandate is MANDATE_STATE_INVALID with no call to Juspay", async () => {
    const failed = await registerMandate(stack, { orderId: "mcm9", customerId: "cust_cmd", outcome: "failure" });
    expect((await stack.mandates.getMandateOrderStatus({ orderId: "mcm9" })).mandate?.status).toBe(MandateStatus.FAILURE);
    const end = fromNow(5 * 60_000);
    const expiring = await activeMandate("mcm10", monthlyMandate({ endTime: end }));
    stack.sim.clock.advance(ms(end)! - stack.sim.clock.now() + 1_000);
    expect((await stack.mandates.getMandate({ mandateId: expiring })).mandate?.status).toBe(MandateStatus.EXPIRED);
    expect((await mandateRow(stack, failed.mandateId))?.status).toBe("FAILURE");

    await withoutJuspay(async () => {
      for (const mandateId of [expiring, failed.mandateId]) {
        await refused(stack.mandates.revokeMandate({ idempotencyKey: `revoke-${mandateId}`, mandateId }), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
        await refused(stack.mandates.pauseMandate({ idempotencyKey: `pause-${mandateId}`, mandateId }), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID);
      }
    });
    expect(simMandateStatus(stack, expiring)).toBe("EXPIRED");
    expect(simMandateStatus(stack, failed.mandateId)).toBe("FAILURE");
  });
});
