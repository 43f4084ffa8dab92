import type { SimContext } from "../context.js";
import { mandateFollowsRegistration } from "../engine/mandate-registration.js";
import { findNotification, listMandates, runMandateCommand } from "../engine/mandates.js";
import { onTxnStatus } from "../engine/orders.js";
import type { Route } from "../http/server.js";
import { notificationObject } from "../render/mandate.js";

// Mandate routes (reference §2.8): commands, a customer's mandates,
// notification status. Mandate execution and registration payments go
// through /txns (routes/txns.ts).

export function mandateRoutes(ctx: SimContext): Route[] {
  // Registration attempts create and activate mandates (a Set: registering twice is harmless).
  onTxnStatus(mandateFollowsRegistration);
  return [
    {
      name: "mandate_command",
      method: "POST",
      path: "/mandates/:mandateId",
      auth: "api_key",
      handler: (req) => ({ body: runMandateCommand(ctx, req.params.mandateId!, req.fields) }),
    },
    {
      name: "list_mandates",
      method: "GET",
      path: "/customers/:customerId/mandates",
      auth: "api_key",
      handler: (req) => ({ body: listMandates(ctx, req.params.customerId!, req.query) }),
    },
    {
      name: "notification_status",
      method: "GET",
      path: "/notifications/:reference",
      auth: "api_key",
      handler: (req) => ({ body: notificationObject(findNotification(ctx, req.params.reference!)) }),
    },
  ];
}
