import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { JuspayError } from "@payments/juspay";
import type { RuleViolation } from "../../domain/mandate-debit-rules.js";
import { AppError } from "../errors.js";

// The two refusals every mandate operation shares (errors.proto): the
// mandate's state does not allow it, or the request breaks its terms.

export function stateInvalid(message: string, juspay?: JuspayError): AppError {
  return new AppError("failed_precondition", ErrorReason.MANDATE_STATE_INVALID, message, juspay ? { juspay } : {});
}

export function ruleViolated(violation: RuleViolation): AppError {
  return new AppError("failed_precondition", ErrorReason.MANDATE_RULE_VIOLATED, `the request breaks the mandate's terms: ${violation.field} ${violation.description}`, {
    violations: [{ field: violation.field, rule: "custom", description: violation.description }],
  });
}
