import type { SimContext } from "../context.js";
import { newId } from "../context.js";
import type { Fields } from "../http/body.js";
import { missingParameter, orderNotFound } from "../http/errors.js";
import type { Route, SimRequest } from "../http/server.js";
import { createOrder, issueClientAuthToken, requireOrder, syncOrder, updateOrder } from "../engine/orders.js";
import { createRefund, orderForRefund } from "../engine/refunds.js";
import { toDoubleString } from "../render/money.js";
import { paymentPageUrl, renderOrder, renderOrderSummary } from "../render/order.js";
import { renderRefundApi } from "../render/refund.js";
import type { Order } from "../state/model.js";
import { orderRecord } from "../state/order-key.js";

// Juspay's order API (reference §2.1–2.5): create, session, status, update,
// refunds. Form bodies everywhere except /session (JSON); all need the API key.

const wantsToken = (fields: Fields): boolean => fields["options.get_client_auth_token"] === "true";

function createResponse(ctx: SimContext, order: Order, fields: Fields): Record<string, unknown> {
  const body = renderOrderSummary(ctx, order);
  if (wantsToken(fields)) body["juspay"] = issueClientAuthToken(ctx, order);
  return body;
}

/** snake_case → camelCase per dotted segment: options.get_upi_deep_links → options.getUpiDeepLinks. */
function camelKey(key: string): string {
  return key
    .split(".")
    .map((part) => part.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()))
    .join(".");
}

/** The SDK process payload: a camelCase copy of the request plus the keys the SDK needs (fixtures session/*.json). */
function sdkPayload(ctx: SimContext, fields: Fields, order: Order | undefined, token: { client_auth_token: string; client_auth_token_expiry: string }): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    // metadata (webhook URLs, gateway routing) is server-side only.
    if (key.startsWith("metadata.") || key === "payment_page_client_id") continue;
    payload[camelKey(key)] = value;
  }
  Object.assign(payload, {
    clientId: fields["payment_page_client_id"],
    merchantId: ctx.options.merchantId,
    clientAuthToken: token.client_auth_token,
    clientAuthTokenExpiry: token.client_auth_token_expiry,
    environment: "sandbox",
    action: fields["action"],
  });
  if (order) {
    payload["orderId"] = order.orderId;
    payload["amount"] = toDoubleString(order.amountMinor, order.currency);
    payload["currency"] = order.currency;
  }
  return { requestId: newId(""), service: "in.juspay.hyperpay", payload, expiry: token.client_auth_token_expiry };
}

function session(ctx: SimContext, req: SimRequest): Record<string, unknown> {
  const fields = req.fields;
  if (!fields["payment_page_client_id"]?.trim()) throw missingParameter("payment_page_client_id");
  if (!fields["action"]?.trim()) throw missingParameter("action");
  // paymentManagement opens saved payment methods: no order is involved.
  if (fields["action"] === "paymentManagement") {
    if (!fields["customer_id"]?.trim()) throw missingParameter("customer_id");
    return { sdk_payload: sdkPayload(ctx, fields, undefined, issueClientAuthToken(ctx)) };
  }
  const order = createOrder(ctx, fields, "session");
  const token = issueClientAuthToken(ctx, order);
  return {
    status: order.status,
    id: order.id,
    order_id: order.orderId,
    payment_links: { web: paymentPageUrl(ctx, order), expiry: token.client_auth_token_expiry },
    sdk_payload: sdkPayload(ctx, fields, order, token),
  };
}

export function orderRoutes(ctx: SimContext): Route[] {
  return [
    {
      name: "create_order",
      method: "POST",
      path: "/orders",
      auth: "api_key",
      handler: (req) => ({ body: createResponse(ctx, createOrder(ctx, req.fields, "api"), req.fields) }),
    },
    { name: "session", method: "POST", path: "/session", auth: "api_key", handler: (req) => ({ body: session(ctx, req) }) },
    {
      name: "order_status",
      method: "GET",
      path: "/orders/:orderId",
      auth: "api_key",
      // The Node SDK also sends order_id in the query; the path wins.
      handler: (req) => {
        const full = (req.query.get("options.add_full_gateway_response") ?? req.fields["options.add_full_gateway_response"]) === "true";
        return { body: renderOrder(ctx, requireOrder(ctx, req.params["orderId"]!), { fullGatewayResponse: full }) };
      },
    },
    {
      name: "update_order",
      method: "POST",
      path: "/orders/:orderId",
      auth: "api_key",
      handler: (req) => ({ body: renderOrderSummary(ctx, updateOrder(ctx, req.params["orderId"]!, req.fields)) }),
    },
    {
      name: "refund_order",
      method: "POST",
      path: "/orders/:orderId/refunds",
      auth: "api_key",
      handler: (req) => {
        const orderId = req.params["orderId"]!;
        const order = orderRecord(ctx.state, orderId);
        if (!order) {
          // Counted even so: the counter shows every id a client tried.
          const id = req.fields["unique_request_id"]?.trim();
          if (id) ctx.counters.noteRefundRequest(orderId, id);
          throw orderNotFound(orderId);
        }
        syncOrder(ctx, order);
        createRefund(ctx, order, req.fields);
        return { body: renderOrder(ctx, order) };
      },
    },
    {
      name: "refund",
      method: "POST",
      path: "/refunds",
      auth: "api_key",
      handler: (req) => {
        const order = orderForRefund(ctx, req.fields);
        syncOrder(ctx, order);
        return { body: renderRefundApi(order, createRefund(ctx, order, req.fields)) };
      },
    },
  ];
}
