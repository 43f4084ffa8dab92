import type { SimContext } from "../context.js";
import { apiKeyAccepted } from "../http/auth.js";
import { parseBody } from "../http/body.js";
import { accessDenied, missingParameter } from "../http/errors.js";
import type { SimJwe } from "../http/jwe.js";
import type { Route, SimRequest } from "../http/server.js";

// The JWE/JWS variants of four routes (README "JWE/JWS /v4 routes"): the body
// is decrypted and verified (http/jwe.ts), handed to the plain route as its
// fields, and a success answer goes back encrypted and signed. Errors stay
// plain JSON, as Juspay's .NET SDK reads them (it decrypts 2xx answers only).

interface V4Route {
  name: string;
  path: string;
  /** Name of the plain route that does the work. */
  plain: string;
  /** Path parameters for the plain route. */
  params: (payload: Record<string, unknown>, req: SimRequest) => Record<string, string>;
}

const V4_ROUTES: V4Route[] = [
  {
    name: "v4_order_status",
    path: "/v4/order-status",
    plain: "order_status",
    params: (payload) => {
      const orderId = payload["order_id"];
      if (typeof orderId !== "string" || orderId === "") throw missingParameter("order_id");
      return { orderId };
    },
  },
  { name: "v4_refund_order", path: "/v4/orders/:orderId/refunds", plain: "refund_order", params: (_payload, req) => req.params },
  { name: "v4_session", path: "/v4/session", plain: "session", params: () => ({}) },
  { name: "v4_txns", path: "/v4/txns", plain: "txns", params: () => ({}) },
];

export function v4Routes(ctx: SimContext, jwe: SimJwe, plainRoutes: readonly Route[]): Route[] {
  return V4_ROUTES.map((v4) => {
    const plain = plainRoutes.find((r) => r.name === v4.plain);
    if (!plain) throw new Error(`juspay-sim: no route ${v4.plain} for ${v4.path}`);
    return {
      name: v4.name,
      method: "POST",
      path: v4.path,
      // The signature authenticates; a Basic header, when sent too (docs' v4 sample), must be right.
      auth: "none",
      handler: async (req) => {
        if (req.headers.authorization !== undefined && !apiKeyAccepted(req.headers, ctx.options.apiKey, ctx.options.merchantId)) throw accessDenied();
        const merchant = req.headers["x-merchantid"];
        if (merchant !== undefined && merchant !== ctx.options.merchantId) throw accessDenied();
        const { payload, form, kid } = await jwe.open(req.rawBody);
        const fields = parseBody("application/json", Buffer.from(JSON.stringify(payload)));
        const result = await plain.handler({ ...req, fields, params: v4.params(payload, req), query: new URLSearchParams() });
        return { ...result, body: await jwe.seal(result.body, form, kid) };
      },
    };
  });
}
