import { SdkPayloadError, checkProcessPayloadOrder, currencyDecimals } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { PayloadFlavour } from "../../config.js";
import type { UdfMap } from "../../db/schema.js";
import { mandateViolations, resolveMandateTerms, type MandateOptions } from "../../domain/mandate-options.js";
import type { Amount } from "../../domain/money.js";
import { checkReturnUrl } from "../../domain/return-url.js";
import type { AppContext } from "../context.js";
import { MIN_JUSPAY_CUSTOMER_REFERENCE, type MandateCustomer } from "../customers/ensure-juspay-customer.js";
import { AppError, fieldError } from "../errors.js";
import { requestFieldOf, sdkOrderOf, type PayloadOrderFields } from "./sdk-order.js";

// A CreateProcessPayload request in the use case's terms, and the checks only
// the use case can make (they need configuration, cross fields, or the payload
// builder's own rules). All run before any write, so a refused request leaves
// no row behind.

export interface ProcessPayloadInput {
  /** Whose idempotency keys: keyOwner() of the call (per customer for a customer-scoped caller). */
  caller: string;
  idempotencyKey: string;
  /** Hash of the request without its key (rpc layer: requestHash). */
  requestHash: string;
  orderId: string;
  amount: Amount;
  customerId: string;
  customerEmail?: string;
  customerPhone?: string;
  description?: string;
  returnUrl?: string;
  udfs: UdfMap;
  /** Undefined: the configured default. */
  flavour?: PayloadFlavour;
  mandate: MandateOptions | null;
}

/**
 * Reason for broken mandate rules. The contract (mandate.proto) says
 * INVALID_ARGUMENT with INVALID_FIELD and rule `custom`; errors.proto keeps
 * MANDATE_RULE_VIOLATED for FAILED_PRECONDITION on a registered mandate.
 */
export const MANDATE_OPTIONS_REASON = ErrorReason.INVALID_FIELD;

export function checkProcessPayloadInput(ctx: AppContext, input: ProcessPayloadInput, now: Date): void {
  try {
    currencyDecimals(input.amount.currency, "amount.currency");
  } catch (err) {
    if (err instanceof SdkPayloadError) throw fieldError(ErrorReason.INVALID_FIELD, "amount.currency", "custom", "is not a currency Juspay payloads support");
    throw err;
  }
  if (input.returnUrl !== undefined) {
    const verdict = checkReturnUrl(input.returnUrl, ctx.settings.returnUrlOrigins);
    if (!verdict.ok) throw fieldError(ErrorReason.RETURN_URL_NOT_ALLOWED, "return_url", "custom", verdict.description);
  }
  if (input.mandate !== null) {
    const violations = mandateViolations(input.mandate, input.amount, now);
    if (violations.length > 0) {
      throw new AppError("invalid_argument", MANDATE_OPTIONS_REASON, `invalid request: ${violations.map((v) => `${v.field} ${v.description}`).join("; ")}`, {
        violations: violations.map((v) => ({ field: v.field, rule: "custom", description: v.description })),
      });
    }
  }
  checkBuildable(input, now);
  checkMandateCustomer(ctx, input);
}

/**
 * Unless the account creates customers implicitly, a mandate's customer is
 * created at Juspay with our customer id as object_reference_id, which Juspay
 * wants "atleast 8 characters" long: a shorter id could never get a mandate.
 */
function checkMandateCustomer(ctx: AppContext, input: ProcessPayloadInput): void {
  if (input.mandate === null || ctx.settings.implicitCustomers || input.customerId.length >= MIN_JUSPAY_CUSTOMER_REFERENCE) return;
  throw fieldError(ErrorReason.INVALID_FIELD, "customer_id", "min_len", `must have at least ${MIN_JUSPAY_CUSTOMER_REFERENCE} characters for a mandate: it becomes the Juspay customer's object_reference_id`);
}

/** Who the Juspay customer of a mandate registration is, from the request. */
export function mandateCustomerOf(input: ProcessPayloadInput): MandateCustomer {
  return {
    customerId: input.customerId,
    ...(input.customerPhone !== undefined && { phone: input.customerPhone }),
    ...(input.customerEmail !== undefined && { email: input.customerEmail }),
  };
}

/**
 * What the payload builder would refuse, refused before the order is stored:
 * the payload is built from our row, so a stored order the builder refuses
 * could never be paid, and every later call for its order_id would fail too.
 */
function checkBuildable(input: ProcessPayloadInput, now: Date): void {
  const order = sdkOrderOf(orderFieldsOf(input));
  try {
    checkProcessPayloadOrder(order, input.mandate === null ? undefined : resolveMandateTerms(input.mandate, now));
  } catch (err) {
    if (err instanceof SdkPayloadError) throw fieldError(ErrorReason.INVALID_FIELD, requestFieldOf(err.field), "custom", err.reason);
    throw err;
  }
}

/** The order row's columns a payload is built from, as the request sets them: what claimOrder stores and what checkBuildable checks. */
export function orderFieldsOf(input: ProcessPayloadInput): PayloadOrderFields {
  return {
    order_id: input.orderId,
    amount_minor: input.amount.minor,
    currency: input.amount.currency,
    customer_id: input.customerId,
    customer_email: input.customerEmail ?? null,
    customer_phone: input.customerPhone ?? null,
    return_url: input.returnUrl ?? null,
    description: input.description ?? null,
    udfs: input.udfs,
  };
}
