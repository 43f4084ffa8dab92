import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { MandateCommandResult } from "@payments/proto/payments/v1/mandate_pb";
import {
  PauseMandateRequestSchema,
  PauseMandateResponseSchema,
  ResumeMandateRequestSchema,
  ResumeMandateResponseSchema,
  RevokeMandateRequestSchema,
  RevokeMandateResponseSchema,
  type MandateService,
} from "@payments/proto/payments/v1/mandate_service_pb";
import type { AppContext } from "../app/context.js";
import { runMandateCommand, type CommandRequest } from "../app/mandates/mandate-command.js";
import type { MandateRow } from "../db/mandates-repository.js";
import { requestHash } from "../domain/request-hash.js";
import { budgetOf, keyOwnerOf } from "./call-context.js";
import { mandateToProto } from "./mandate-proto.js";

// RevokeMandate, PauseMandate, ResumeMandate: proto in, one command use case,
// proto out. The three responses have the same shape (mandate, result).

type CommandResponseSchema = typeof RevokeMandateResponseSchema | typeof PauseMandateResponseSchema | typeof ResumeMandateResponseSchema;

type Handlers = Pick<ServiceImpl<typeof MandateService>, "revokeMandate" | "pauseMandate" | "resumeMandate">;

export function mandateCommandHandlers(app: AppContext): Handlers {
  async function run<S extends CommandResponseSchema>(schema: S, command: Omit<CommandRequest, "caller">, ctx: HandlerContext): Promise<MessageShape<S>> {
    const respond = (mandate: MandateRow, result: MandateCommandResult) =>
      create(schema as DescMessage, { mandate: mandateToProto(mandate), result }) as MessageShape<S>;
    const outcome = await runMandateCommand(app, { ...command, caller: keyOwnerOf(ctx) }, budgetOf(ctx), (mandate) =>
      toBinary(schema as DescMessage, respond(mandate, MandateCommandResult.APPLIED)),
    );
    if (outcome.kind === "stored") return fromBinary(schema as DescMessage, outcome.response) as MessageShape<S>;
    return respond(outcome.mandate, outcome.result === "applied" ? MandateCommandResult.APPLIED : MandateCommandResult.PENDING);
  }

  return {
    revokeMandate(req, ctx) {
      const base = { idempotencyKey: req.idempotencyKey, requestHash: requestHash(RevokeMandateRequestSchema, req), mandateId: req.mandateId };
      return run(RevokeMandateResponseSchema, { ...base, command: "revoke" }, ctx);
    },
    pauseMandate(req, ctx) {
      const base = { idempotencyKey: req.idempotencyKey, requestHash: requestHash(PauseMandateRequestSchema, req), mandateId: req.mandateId };
      return run(PauseMandateResponseSchema, { ...base, command: "pause", pauseStart: dateOf(req.pauseStartTime), pauseEnd: dateOf(req.pauseEndTime) }, ctx);
    },
    resumeMandate(req, ctx) {
      const base = { idempotencyKey: req.idempotencyKey, requestHash: requestHash(ResumeMandateRequestSchema, req), mandateId: req.mandateId };
      return run(ResumeMandateResponseSchema, { ...base, command: "resume", resumeAt: dateOf(req.resumeTime) }, ctx);
    },
  };
}

/** Seconds precision, as the fields document: sub-seconds are dropped. */
export function dateOf(ts: Timestamp | undefined): Date | null {
  if (ts === undefined) return null;
  return new Date(Math.floor(timestampDate(ts).getTime() / 1000) * 1000);
}
