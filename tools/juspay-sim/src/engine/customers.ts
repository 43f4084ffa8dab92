import type { SimContext } from "../context.js";
import { newId } from "../context.js";
import type { Fields } from "../http/body.js";
import { customerAlreadyExists, customerFieldInvalid, invalidRequest, missingParameter, notFound } from "../http/errors.js";
import type { Customer } from "../state/model.js";

// Customers (reference §2.6): created with the merchant's object_reference_id
// (≥ 8 characters, unique) and a mobile number; looked up by Juspay's `cst_…`
// id or by that reference.

const CUSTOMER_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function customerId(): string {
  // cst_ + 16 lower-case alphanumerics, like Juspay's ids (cst_pcxaymwoh9vbse97).
  const hex = newId("", 16);
  let id = "cst_";
  for (let i = 0; i < 16; i++) id += CUSTOMER_ID_ALPHABET[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % CUSTOMER_ID_ALPHABET.length];
  return id;
}

function applyContact(customer: Customer, fields: Fields): void {
  if (fields["mobile_number"] !== undefined) customer.mobileNumber = fields["mobile_number"];
  if (fields["mobile_country_code"] !== undefined) customer.mobileCountryCode = fields["mobile_country_code"].replace(/^\+/, "");
  if (fields["email_address"] !== undefined) customer.emailAddress = fields["email_address"];
  if (fields["first_name"] !== undefined) customer.firstName = fields["first_name"];
  if (fields["last_name"] !== undefined) customer.lastName = fields["last_name"];
}

export function createCustomer(ctx: SimContext, fields: Fields): Customer {
  // Absent: our MISSING_MANDATORY_PARAMETER; sent empty: Juspay's published "Wrong value in …".
  if (fields["object_reference_id"] === undefined) throw missingParameter("object_reference_id");
  const reference = fields["object_reference_id"].trim();
  if (reference === "") throw customerFieldInvalid("object_reference_id");
  if (reference.length < 8) throw invalidRequest("INVALID_INPUT", "object_reference_id must be at least 8 characters");
  if (fields["mobile_number"] === undefined) throw missingParameter("mobile_number");
  if (fields["mobile_number"].trim() === "") throw customerFieldInvalid("mobile_number");
  if (Object.values(ctx.state.customers).some((c) => c.objectReferenceId === reference)) throw customerAlreadyExists();
  return addCustomer(ctx, reference, fields);
}

/** Stores a new customer (Create Customer, or Juspay's implicit creation from an order's customer fields). */
export function addCustomer(ctx: SimContext, reference: string, fields: Fields): Customer {
  const now = ctx.clock.now();
  const customer: Customer = {
    id: customerId(),
    objectReferenceId: reference,
    mobileNumber: "",
    mobileCountryCode: "91",
    emailAddress: "",
    firstName: "",
    lastName: "",
    createdAt: now,
    updatedAt: now,
  };
  applyContact(customer, fields);
  ctx.state.customers[customer.id] = customer;
  ctx.changed();
  return customer;
}

/** By `cst_…` id or object_reference_id. */
export function findCustomer(ctx: SimContext, id: string): Customer | undefined {
  return ctx.state.customers[id] ?? Object.values(ctx.state.customers).find((c) => c.objectReferenceId === id);
}

export function requireCustomer(ctx: SimContext, id: string): Customer {
  const customer = findCustomer(ctx, id);
  if (!customer) throw notFound("Customer");
  return customer;
}

export function updateCustomer(ctx: SimContext, id: string, fields: Fields): Customer {
  const customer = requireCustomer(ctx, id);
  if (fields["mobile_number"] !== undefined && fields["mobile_number"].trim() === "") throw invalidRequest("INVALID_INPUT", "mobile_number cannot be empty");
  applyContact(customer, fields);
  customer.updatedAt = ctx.clock.now();
  ctx.changed();
  return customer;
}
