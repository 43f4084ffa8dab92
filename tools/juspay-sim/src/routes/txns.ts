import type { SimContext } from "../context.js";
import { requireOrder } from "../engine/orders.js";
import { createTxn, txnAnswer } from "../engine/txns.js";
import type { Route } from "../http/server.js";
import { renderOrder } from "../render/order.js";

// POST /txns (payments, mandate registration and execution). A debit's status
// is plain Order Status, GET /orders/:id (juspay.io/in/docs/ec-api/docs/mandates/mandate-order-status-api).
// GET /txns/v2/orders/:id, the path an integration guide named, appears in no
// public Juspay source: unless the simulator is told to serve it
// (serveExecutionStatusPath), it has no route and is answered 404 as Juspay
// answers an unknown path (docs.juspay.io/hyper-checkout-sea/android/mandates/order-status-api:
// "Passing an invalid URL: 404").

export function txnRoutes(ctx: SimContext): Route[] {
  const routes: Route[] = [
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
  ];
  if (ctx.options.serveExecutionStatusPath) {
    routes.push({
      name: "execution_status",
      method: "GET",
      path: "/txns/v2/orders/:orderId",
      auth: "api_key",
      handler: (req) => ({ body: renderOrder(ctx, requireOrder(ctx, req.params.orderId!)) }),
    });
  }
  return routes;
}
