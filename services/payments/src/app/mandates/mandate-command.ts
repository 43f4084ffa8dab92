import { isJuspayError, type JuspayError, type JuspayMandate } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findMandate, type MandateRow } from "../../db/mandates-repository.js";
import { isInPast } from "../../domain/mandate-debit-rules.js";
import { COMMAND_TARGET, commandAllowedFrom, isFinalMandateStatus, type MandateCommand } from "../../domain/mandate-status.js";
import { juspayCallBudget } from "../call-budget.js";
import type { AppContext } from "../context.js";
import { fieldError, type AppError } from "../errors.js";
import { claimKey, completeKey, releaseKey, scopeOf, type KeyRef } from "../idempotency.js";
import { isDefiniteRefusal } from "../juspay-refusal.js";
import type { CallBudget } from "../ports.js";
import { applyMandate } from "./apply-mandate.js";
import { stateInvalid } from "./mandate-errors.js";
import { enqueueMandateSync } from "./mandate-sync-job.js";
import { mandateNotFound, refreshMandate } from "./refresh-mandate.js";

// RevokeMandate, PauseMandate, ResumeMandate (ADR 0013). Juspay's commands
// have no idempotency handle, so what decides the answer is the mandate's
// state, not the command's reply:
// - a mandate already in the target state is APPLIED without a call; a
//   finished one (REVOKED, FAILURE, EXPIRED) is refused without a call;
// - Juspay's answer is applied; a refusal ("Mandate Not in Active State") is
//   checked with check_status, and a mandate in the target state is APPLIED
//   (a retry after a lost answer, criterion 9);
// - a lost answer is PENDING, and mandate.sync follows the mandate.
// Only APPLIED is stored under the idempotency key: a retry after PENDING
// asks again, which the first rule makes safe.

export interface CommandRequest {
  caller: string;
  idempotencyKey: string;
  /** requestHash() of the request without its key. */
  requestHash: string;
  mandateId: string;
  command: MandateCommand;
  /** pause: the period (unset start = now, unset end = the mandate's end). */
  pauseStart?: Date | null;
  pauseEnd?: Date | null;
  /** resume: when debits are allowed again (unset = now). */
  resumeAt?: Date | null;
}

export type CommandOutcome =
  | { kind: "stored"; response: Uint8Array }
  | { kind: "done"; mandate: MandateRow; result: "applied" | "pending" };

/** Serializes the APPLIED response for the idempotency key (the rpc layer owns the proto). */
export type AppliedEncoder = (mandate: MandateRow) => Uint8Array;

const RPC_NAMES: Record<MandateCommand, string> = { revoke: "RevokeMandate", pause: "PauseMandate", resume: "ResumeMandate" };

export async function runMandateCommand(ctx: AppContext, request: CommandRequest, budget: CallBudget, encode: AppliedEncoder): Promise<CommandOutcome> {
  const row = await findMandate(ctx.db, request.mandateId);
  if (row === undefined) throw mandateNotFound(request.mandateId);
  checkTimes(request, row, new Date());
  const ref: KeyRef = { scope: scopeOf(request.caller, RPC_NAMES[request.command]), key: request.idempotencyKey };
  const claim = await claimKey(ctx.db, ref, request.requestHash, ctx.settings.idempotencyLockMs);
  if (claim.kind === "completed" && claim.response !== null) return { kind: "stored", response: claim.response };
  try {
    const done = await decide(ctx, row, request, budget);
    if (done.result === "applied") await completeKey(ctx.db, ref, encode(done.mandate), done.mandate.mandate_id);
    else await releaseKey(ctx.db, ref);
    return { kind: "done", ...done };
  } catch (err) {
    await releaseKey(ctx.db, ref);
    throw err;
  }
}

type Decided = { mandate: MandateRow; result: "applied" | "pending" };

async function decide(ctx: AppContext, row: MandateRow, request: CommandRequest, budget: CallBudget): Promise<Decided> {
  const target = COMMAND_TARGET[request.command];
  let mandate = row;
  const settled = mandate.status === target || isFinalMandateStatus(mandate.status);
  if (!settled && !commandAllowedFrom(request.command, mandate.status)) {
    // Our row may lag behind Juspay (a registration whose activation is on its way): one read before refusing.
    mandate = (await refreshMandate(ctx, mandate.mandate_id, budget)).mandate;
  }
  if (inTargetState(mandate, request)) return { mandate, result: "applied" };
  if (mandate.status === target || !commandAllowedFrom(request.command, mandate.status)) throw commandRefused(request.command, mandate.status);

  try {
    const answer = await send(ctx, mandate, request, juspayCallBudget(budget));
    const applied = (await applyMandate(ctx, answer, { customerId: mandate.customer_id }))?.mandate ?? mandate;
    if (applied.status === target) return { mandate: applied, result: "applied" };
    return confirm(ctx, applied, request, budget, null);
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    if (isDefiniteRefusal(err)) return confirm(ctx, mandate, request, budget, err);
    // Juspay certainly did not act (refused connection, open breaker): the caller may simply retry.
    if (err.outcome === "not_applied") throw err;
    ctx.logger.warn({ mandateId: mandate.mandate_id, command: request.command, err: err.toJSON() }, "mandate command outcome unknown: PENDING, mandate.sync follows it");
    await enqueueMandateSync(ctx, mandate.mandate_id, target);
    return { mandate, result: "pending" };
  }
}

/** After a refusal (or an answer in another state): Juspay's status decides. */
async function confirm(ctx: AppContext, mandate: MandateRow, request: CommandRequest, budget: CallBudget, refusal: JuspayError | null): Promise<Decided> {
  const target = COMMAND_TARGET[request.command];
  const checked = await refreshMandate(ctx, mandate.mandate_id, budget);
  if (checked.mandate.status === target) return { mandate: checked.mandate, result: "applied" };
  if (checked.stale !== null || refusal === null) {
    await enqueueMandateSync(ctx, mandate.mandate_id, target);
    return { mandate: checked.mandate, result: "pending" };
  }
  throw commandRefused(request.command, checked.mandate.status, refusal);
}

function send(ctx: AppContext, mandate: MandateRow, request: CommandRequest, budget: CallBudget): Promise<JuspayMandate> {
  const options = { signal: budget.signal, deadline: budget.deadline, routingId: mandate.customer_id };
  switch (request.command) {
    case "revoke":
      return ctx.juspay.mandates.revoke(mandate.mandate_id, options);
    case "pause":
      return ctx.juspay.mandates.pause(
        mandate.mandate_id,
        { ...(request.pauseStart ? { pauseStartDate: request.pauseStart } : {}), ...(request.pauseEnd ? { pauseEndDate: request.pauseEnd } : {}) },
        options,
      );
    case "resume":
      return ctx.juspay.mandates.resume(mandate.mandate_id, request.resumeAt ? { resumeDate: request.resumeAt } : {}, options);
  }
}

/** Already where the command leads. A pause counts only for the same period (when the caller named one). */
function inTargetState(mandate: MandateRow, request: CommandRequest): boolean {
  if (mandate.status !== COMMAND_TARGET[request.command]) return false;
  if (request.command !== "pause") return true;
  return sameSecond(request.pauseStart, mandate.pause_start_at) && sameSecond(request.pauseEnd, mandate.pause_end_at);
}

function sameSecond(requested: Date | null | undefined, current: Date | null): boolean {
  if (requested === null || requested === undefined || current === null) return true;
  return Math.floor(requested.getTime() / 1000) === Math.floor(current.getTime() / 1000);
}

function checkTimes(request: CommandRequest, mandate: MandateRow, now: Date): void {
  if (request.command === "pause") {
    const start = request.pauseStart ?? now;
    if (request.pauseStart && isInPast(request.pauseStart, now)) throw fieldError(ErrorReason.INVALID_FIELD, "pause_start_time", "custom", "must not be in the past");
    if (request.pauseEnd && request.pauseEnd.getTime() <= start.getTime()) throw fieldError(ErrorReason.INVALID_FIELD, "pause_end_time", "custom", "must be after pause_start_time");
    if (request.pauseEnd && mandate.end_at !== null && request.pauseEnd.getTime() > mandate.end_at.getTime()) {
      throw fieldError(ErrorReason.INVALID_FIELD, "pause_end_time", "custom", "must not be after the mandate's end_time");
    }
  }
  if (request.command === "resume" && request.resumeAt && isInPast(request.resumeAt, now)) {
    throw fieldError(ErrorReason.INVALID_FIELD, "resume_time", "custom", "must not be in the past");
  }
}

function commandRefused(command: MandateCommand, status: string, juspay?: JuspayError): AppError {
  const verb = command === "revoke" ? "revoked" : command === "pause" ? "paused" : "resumed";
  return stateInvalid(`the mandate is ${status}: it cannot be ${verb}`, juspay);
}
