import { JuspayDuplicateError } from "@payments/juspay";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { findJuspayCustomer, recordJuspayCustomer } from "../../db/juspay-customers-repository.js";
import { budgetOver } from "../call-budget.js";
import type { AppContext } from "../context.js";
import { AppError, fieldError } from "../errors.js";
import type { CallBudget } from "../ports.js";

// Juspay: "Prerequisite for creating a mandate is to have the customer
// already registered/created" (Create Order (mandate)); creating it from the
// order's customer_id "needs Juspay internal enablement". So before a
// customer's first mandate registration payload, the customer is created at
// Juspay (Create Customer, object_reference_id = our customer id) and
// remembered in juspay_customers; later registrations make no call. Juspay's
// "already exists" (another replica, or an earlier attempt whose answer was
// lost) is success: the customer is read back for its id. The row is written
// only once Juspay has answered with the customer, so a failed attempt leaves
// nothing that claims it exists, and the caller may retry. With
// JUSPAY_IMPLICIT_CUSTOMERS=true the account creates customers itself and
// nothing is called.

/** Create Customer: "This must be atleast 8 characters" (object_reference_id). */
export const MIN_JUSPAY_CUSTOMER_REFERENCE = 8;

export interface MandateCustomer {
  customerId: string;
  /** Create Customer requires mobile_number; needed only when Juspay does not hold the customer yet. */
  phone?: string;
  email?: string;
}

export async function ensureJuspayCustomer(ctx: AppContext, customer: MandateCustomer, budget: CallBudget): Promise<void> {
  if (ctx.settings.implicitCustomers) return;
  if ((await findJuspayCustomer(ctx.db, customer.customerId)) !== undefined) return;
  const phone = customer.phone;
  if (phone === undefined) {
    throw fieldError(ErrorReason.INVALID_FIELD, "customer_phone", "required", "is required for a customer's first mandate: Juspay's Create Customer needs the customer's mobile number");
  }
  const registration = ctx.customerRegistrations.join(customer.customerId, () => createAtJuspay(ctx, { ...customer, phone }));
  await withinBudget(registration, budget);
}

async function createAtJuspay(ctx: AppContext, customer: MandateCustomer & { phone: string }): Promise<void> {
  // Read again inside the flight: a registration that finished just before this one started has made the call.
  if ((await findJuspayCustomer(ctx.db, customer.customerId)) !== undefined) return;
  const routingId = customer.customerId;
  let juspayCustomerId: string;
  try {
    const created = await ctx.juspay.customers.create(
      { objectReferenceId: customer.customerId, mobileNumber: customer.phone, ...(customer.email !== undefined && { emailAddress: customer.email }) },
      { routingId },
    );
    juspayCustomerId = created.id;
  } catch (err) {
    if (!(err instanceof JuspayDuplicateError)) throw err;
    juspayCustomerId = (await ctx.juspay.customers.get(customer.customerId, { routingId })).id;
  }
  await recordJuspayCustomer(ctx.db, customer.customerId, juspayCustomerId);
  // Our customer id may be an email address: only Juspay's id is logged.
  ctx.logger.info({ juspayCustomerId }, "mandate customer registered at Juspay");
}

/** The registration's outcome, or DEADLINE_EXCEEDED when the caller's budget ends first (the registration goes on). */
async function withinBudget(registration: Promise<void>, budget: CallBudget): Promise<void> {
  const over = budgetOver(budget);
  try {
    const finished = await Promise.race([registration.then(() => true), over.promise]);
    if (finished === undefined) throw new AppError("deadline_exceeded", ErrorReason.JUSPAY_TIMEOUT, "the customer is still being created at Juspay: retry", { retryable: true });
  } finally {
    over.cancel();
  }
}
