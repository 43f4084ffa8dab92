import { isoTime } from "../context.js";
import type { Customer } from "../state/model.js";

// Customers as Juspay writes them (fixtures customer/**).

export function renderCustomer(customer: Customer): Record<string, unknown> {
  return {
    id: customer.id,
    object: "customer",
    object_reference_id: customer.objectReferenceId,
    mobile_number: customer.mobileNumber,
    mobile_country_code: customer.mobileCountryCode,
    email_address: customer.emailAddress,
    first_name: customer.firstName,
    last_name: customer.lastName,
    date_created: isoTime(customer.createdAt),
    last_updated: isoTime(customer.updatedAt),
  };
}
