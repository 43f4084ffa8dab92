import type { SimContext } from "../context.js";
import { requireOrder } from "../engine/orders.js";
import { createTxn, txnAnswer } from "../engine/txns.js";
import type { Route } from "../http/server.js";
import { renderOrder } from "../render/order.js";

// POST /txns (payments, mandate registration and execution) and the
// execution-status path the integration guide names, GET /txns/v2/orders/:id
// (UNCONFIRMED: no public schema; answered with the execution order's status,
// and a fault rule on "execution_status" makes it 404 to exercise fallbacks).

export function txnRoutes(ctx: SimContext): Route[] {
  return [
    {
      name: "txns",
      method: "POST",
      path: "/txns",
      auth: "api_key",
      handler: (req) => {
        const { order, txn, intent } = createTxn(ctx, req.fields);
        return { body: txnAnswer(ctx, order, txn, intent) };
      },
    },
    {
      name: "execution_status",
      method: "GET",
      path: "/txns/v2/orders/:orderId",
      auth: "api_key",
      handler: (req) => ({ body: renderOrder(ctx, requireOrder(ctx, req.params.orderId!)) }),
    },
  ];
}
