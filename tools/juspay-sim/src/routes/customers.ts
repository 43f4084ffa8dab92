import type { SimContext } from "../context.js";
import type { Fields } from "../http/body.js";
import type { Route } from "../http/server.js";
import { createCustomer, requireCustomer, updateCustomer } from "../engine/customers.js";
import { issueClientAuthToken } from "../engine/orders.js";
import { renderCustomer } from "../render/customer.js";
import type { Customer } from "../state/model.js";

// Juspay's customer API (reference §2.6). Form bodies; all need the API key.

function answer(ctx: SimContext, customer: Customer, wantsToken: boolean): { body: Record<string, unknown> } {
  const body = renderCustomer(customer);
  if (wantsToken) body["juspay"] = issueClientAuthToken(ctx);
  return { body };
}

const tokenAsked = (fields: Fields, query?: URLSearchParams): boolean =>
  (query?.get("options.get_client_auth_token") ?? fields["options.get_client_auth_token"]) === "true";

export function customerRoutes(ctx: SimContext): Route[] {
  return [
    {
      name: "create_customer",
      method: "POST",
      path: "/customers",
      auth: "api_key",
      handler: (req) => answer(ctx, createCustomer(ctx, req.fields), tokenAsked(req.fields)),
    },
    {
      name: "get_customer",
      method: "GET",
      path: "/customers/:customerId",
      auth: "api_key",
      handler: (req) => answer(ctx, requireCustomer(ctx, req.params["customerId"]!), tokenAsked(req.fields, req.query)),
    },
    {
      name: "update_customer",
      method: "POST",
      path: "/customers/:customerId",
      auth: "api_key",
      handler: (req) => answer(ctx, updateCustomer(ctx, req.params["customerId"]!, req.fields), false),
    },
  ];
}
