import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { MandateFrequency as JuspayMandateFrequency } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { MandateAmountRule, MandateFrequency, MandateRequirement, MandateRuleType, type MandateOptions as MandateOptionsProto } from "@payments/proto/payments/v1/mandate_pb";
import {
  CreateProcessPayloadResponseSchema,
  NextAction as NextActionProto,
  ProcessPayloadFlavour,
  SdkProcessStatus,
  type CreateProcessPayloadRequest,
} from "@payments/proto/payments/v1/payload_service_pb";
import type { PayloadFlavour } from "../config.js";
import type { UdfMap } from "../db/schema.js";
import { fieldError } from "../app/errors.js";
import type { ProcessPayloadInput } from "../app/payloads/process-payload-input.js";
import type { ProcessPayloadResult } from "../app/payloads/process-payload-result.js";
import type { MandateOptions } from "../domain/mandate-options.js";
import type { NextAction } from "../domain/next-action.js";

// payments.v1 payload messages to the use cases' terms and back. Requests
// arrive validated by the field rules (required enums are set, patterns hold).

const flavourNames: Record<PayloadFlavour, ProcessPayloadFlavour> = {
  signature: ProcessPayloadFlavour.SIGNATURE,
  session: ProcessPayloadFlavour.SESSION,
};

export function flavourOf(value: ProcessPayloadFlavour): PayloadFlavour | undefined {
  if (value === ProcessPayloadFlavour.SIGNATURE) return "signature";
  if (value === ProcessPayloadFlavour.SESSION) return "session";
  return undefined;
}

const ts = (date: Date | null | undefined): Timestamp | undefined => (date ? timestampFromDate(date) : undefined);

export function processPayloadInput(req: CreateProcessPayloadRequest, caller: string, hash: string): ProcessPayloadInput {
  const udfs: UdfMap = {};
  if (req.udfs) {
    for (let i = 1; i <= 10; i++) {
      const key = `udf${i}` as keyof UdfMap;
      const value = req.udfs[key];
      if (value !== undefined) udfs[key] = value;
    }
  }
  const optional = (value: string) => (value === "" ? undefined : value);
  return {
    caller,
    idempotencyKey: req.idempotencyKey,
    requestHash: hash,
    orderId: req.orderId,
    // Required by the field rules; the fallback is never used.
    amount: { minor: req.amount?.amountMinor ?? 0n, currency: req.amount?.currency ?? "" },
    customerId: req.customerId,
    customerEmail: optional(req.customerEmail),
    customerPhone: optional(req.customerPhone),
    description: optional(req.description),
    returnUrl: optional(req.returnUrl),
    udfs,
    flavour: flavourOf(req.flavour),
    mandate: req.mandate ? mandateOptionsOf(req.mandate) : null,
  };
}

function mandateOptionsOf(m: MandateOptionsProto): MandateOptions {
  const start = m.startTime ? timestampDate(m.startTime) : undefined;
  const end = m.endTime ? timestampDate(m.endTime) : undefined;
  return {
    createMandate: m.createMandate === MandateRequirement.OPTIONAL ? "OPTIONAL" : "REQUIRED",
    maxAmount: { minor: m.maxAmount?.amountMinor ?? 0n, currency: m.maxAmount?.currency ?? "" },
    amountRule: m.amountRule === MandateAmountRule.FIXED ? "FIXED" : "VARIABLE",
    frequency: MandateFrequency[m.frequency] as JuspayMandateFrequency,
    ...(m.ruleType !== MandateRuleType.UNSPECIFIED && { ruleType: MandateRuleType[m.ruleType] as "ON" | "BEFORE" | "AFTER" }),
    ...(m.ruleValue !== 0 && { ruleValue: m.ruleValue }),
    // Seconds precision, as Juspay takes epoch seconds.
    ...(start && { startTime: new Date(Math.floor(start.getTime() / 1000) * 1000) }),
    ...(end && { endTime: new Date(Math.floor(end.getTime() / 1000) * 1000) }),
    ...(m.revokableByCustomer !== undefined && { revokableByCustomer: m.revokableByCustomer }),
    ...(m.blockFunds !== undefined && { blockFunds: m.blockFunds }),
  };
}

export function processPayloadResponse(result: ProcessPayloadResult) {
  return create(CreateProcessPayloadResponseSchema, {
    orderId: result.orderId,
    flavour: flavourNames[result.flavour],
    payloadJson: result.payloadJson,
    requestId: result.requestId,
    service: result.service,
    expireTime: ts(result.expireTime),
    flavourDetails: result.signed
      ? { case: "signed", value: { ...result.signed, signTime: ts(result.signed.signTime) } }
      : result.session
        ? { case: "session", value: result.session }
        : { case: undefined },
  });
}

/** The SDK's `payload.status` string for the reported enum (UNKNOWN: the raw text the app sent). */
export function reportedStatusRaw(status: SdkProcessStatus, raw: string): string {
  if (status === SdkProcessStatus.UNKNOWN) {
    if (raw === "") throw fieldError(ErrorReason.INVALID_FIELD, "reported_status_raw", "custom", "is required when reported_status is UNKNOWN");
    return raw;
  }
  return (SdkProcessStatus[status] ?? "unknown").toLowerCase();
}

export function nextActionProto(action: NextAction): NextActionProto {
  return NextActionProto[action];
}
