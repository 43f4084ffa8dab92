import { CustomerSchema, type JuspayCustomer } from "../decode/schemas/customer.js";
import { withExtra } from "../http/form.js";
import type { CallOptions } from "../http/request-sender.js";
import { checkId, checkText, invalid, seg, type ExtraFields, type ResourceContext } from "./shared.js";

// Customers (reference §2.6). get is a read (retried); create is keyed by
// object_reference_id, which Juspay requires to be unique (retried); update
// sets values (retried).

export interface CreateCustomerParams {
  /** Our unique reference (≥ 8 characters: an id, an email or a phone). */
  objectReferenceId: string;
  mobileNumber: string;
  mobileCountryCode?: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  getClientAuthToken?: boolean;
  extra?: ExtraFields;
}

export interface UpdateCustomerParams {
  mobileNumber?: string;
  mobileCountryCode?: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  extra?: ExtraFields;
}

export interface GetCustomerOptions extends CallOptions {
  getClientAuthToken?: boolean;
}

function personFields(p: UpdateCustomerParams): Record<string, string> {
  const fields: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) fields[name] = value;
  };
  set("mobile_number", p.mobileNumber);
  set("mobile_country_code", p.mobileCountryCode);
  set("email_address", p.emailAddress);
  set("first_name", p.firstName);
  set("last_name", p.lastName);
  return fields;
}

export class CustomersResource {
  constructor(private readonly ctx: ResourceContext) {}

  /** POST /customers. */
  async create(params: CreateCustomerParams, options?: CallOptions): Promise<JuspayCustomer> {
    const op = "customers.create";
    const ref = checkId(op, "objectReferenceId", params.objectReferenceId, 128);
    if (ref.length < 8) throw invalid(op, "objectReferenceId must have at least 8 characters");
    checkText(op, "mobileNumber", params.mobileNumber);
    const fields: Record<string, string> = { object_reference_id: ref, ...personFields(params) };
    if (params.getClientAuthToken) fields["options.get_client_auth_token"] = "true";
    return this.ctx.sender.send(
      { operation: op, method: "POST", path: "/customers", body: { kind: "form", fields: withExtra(fields, params.extra) }, retry: "idempotent", schema: CustomerSchema },
      options,
    );
  }

  /** GET /customers/:id (`cst_…` or our object_reference_id). */
  async get(customerId: string, options: GetCustomerOptions = {}): Promise<JuspayCustomer> {
    const op = "customers.get";
    const id = checkId(op, "customerId", customerId, 128);
    const query: Record<string, string> = options.getClientAuthToken ? { "options.get_client_auth_token": "true" } : {};
    return this.ctx.sender.send({ operation: op, method: "GET", path: `/customers/${seg(op, "customerId", id)}`, query, retry: "safe", schema: CustomerSchema }, options);
  }

  /** POST /customers/:id. */
  async update(customerId: string, params: UpdateCustomerParams, options?: CallOptions): Promise<JuspayCustomer> {
    const op = "customers.update";
    const id = checkId(op, "customerId", customerId, 128);
    const fields = withExtra(personFields(params), params.extra);
    if (Object.keys(fields).length === 0) throw invalid(op, "nothing to update");
    return this.ctx.sender.send(
      { operation: op, method: "POST", path: `/customers/${seg(op, "customerId", id)}`, body: { kind: "form", fields }, retry: "idempotent", schema: CustomerSchema },
      options,
    );
  }
}
