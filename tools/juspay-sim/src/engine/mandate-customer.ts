import type { SimContext } from "../context.js";
import type { Fields } from "../http/body.js";
import { mandateCustomerUnknown } from "../http/errors.js";
import { addCustomer, findCustomer } from "./customers.js";

// "Prerequisite for creating a mandate is to have the customer already
// registered/created" (Juspay's Create Order (mandate) page): an order that
// registers a mandate (POST /orders, /session, a signed SDK payload, POST
// /txns with order.*) names a customer_id Juspay must hold, by its `cst_…` id
// or the merchant's object_reference_id. Implicit creation from the order's
// customer fields "needs Juspay internal enablement": the implicitCustomers
// option plays an account that has it.

export function requireMandateCustomer(ctx: SimContext, orderFields: Fields): void {
  const customerId = orderFields["customer_id"]?.trim() ?? "";
  if (customerId !== "" && findCustomer(ctx, customerId) !== undefined) return;
  if (!ctx.options.implicitCustomers) throw mandateCustomerUnknown();
  if (customerId === "") return;
  addCustomer(ctx, customerId, {
    ...(orderFields["customer_phone"] !== undefined && { mobile_number: orderFields["customer_phone"] }),
    ...(orderFields["customer_email"] !== undefined && { email_address: orderFields["customer_email"] }),
  });
}
