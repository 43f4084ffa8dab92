import type { MandateRegistration } from "@payments/juspay";
import type { OrderRow } from "../../db/orders-repository.js";
import { loadMandateOptions, resolveMandateTerms } from "../../domain/mandate-options.js";
import { toJuspayMinor } from "../../domain/money.js";
import type { AppContext } from "../context.js";
import type { CallBudget } from "../ports.js";
import type { ProcessPayloadResult } from "./process-payload-result.js";

// SESSION flavour (reference §2.2, §3.4): Juspay's Session API creates the
// order from OUR row and answers the sdk_payload, handed on unchanged. Bounded
// by the caller's deadline.

export async function buildSessionPayload(ctx: AppContext, order: OrderRow, budget: CallBudget): Promise<ProcessPayloadResult> {
  const mandate = loadMandateOptions(order.mandate_options);
  const udfs = Object.fromEntries(Object.entries(order.udfs ?? {}).filter(([, v]) => typeof v === "string"));
  const session = await ctx.juspay.sessions.create(
    {
      orderId: order.order_id,
      amountMinor: toJuspayMinor(order.amount_minor),
      currency: order.currency,
      customerId: order.customer_id,
      paymentPageClientId: ctx.settings.clientId,
      ...(order.customer_email !== null && { customerEmail: order.customer_email }),
      ...(order.customer_phone !== null && { customerPhone: order.customer_phone }),
      ...(order.return_url !== null && { returnUrl: order.return_url }),
      ...(order.description !== null && { description: order.description }),
      ...(mandate !== null && { mandate: registrationOf(resolveMandateTerms(mandate, new Date())) }),
      ...(Object.keys(udfs).length > 0 && { extra: udfs }),
    },
    { signal: budget.signal, deadline: budget.deadline, routingId: order.customer_id },
  );
  const sdkPayload = session.sdkPayload as { requestId?: unknown; service?: unknown };
  return {
    orderId: order.order_id,
    flavour: "session",
    payloadJson: JSON.stringify(session.sdkPayload),
    requestId: typeof sdkPayload.requestId === "string" ? sdkPayload.requestId : "",
    service: typeof sdkPayload.service === "string" ? sdkPayload.service : "",
    expireTime: session.sdkPayloadExpiry?.at ?? null,
    session: {
      sdkPayloadJson: JSON.stringify(session.sdkPayload),
      webPaymentUrl: session.paymentLinks?.web ?? "",
      juspayOrderId: session.id ?? "",
    },
  };
}

function registrationOf(terms: ReturnType<typeof resolveMandateTerms>): MandateRegistration {
  return { ...terms, maxAmountMinor: toJuspayMinor(BigInt(terms.maxAmountMinor)) };
}
