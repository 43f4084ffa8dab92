import { SessionSchema, type JuspaySession } from "../decode/schemas/session.js";
import { flattenForm } from "../http/form.js";
import type { CallOptions } from "../http/request-sender.js";
import { mandateRegistrationFields, type MandateRegistration } from "./orders.js";
import { checkPlainUdfs } from "./field-limits.js";
import { amountField, checkId, checkText, currencyField, type ExtraFields, type ResourceContext } from "./shared.js";

// POST /session (or /v4/session in JWE mode), reference §2.2: creates the
// order and returns the SDK payload. JSON body with Juspay's flat dotted keys
// and string values. Keyed by our order id (a repeat gets DUPLICATE_ORDER_ID):
// retried.

export interface CreateSessionParams {
  orderId: string;
  amountMinor: number;
  currency?: string;
  customerId: string;
  customerEmail?: string;
  customerPhone?: string;
  /** The client id Juspay issued for the payment page. */
  paymentPageClientId: string;
  /** Default "paymentPage". */
  action?: string;
  returnUrl?: string;
  description?: string;
  firstName?: string;
  lastName?: string;
  webhookUrl?: string;
  mandate?: MandateRegistration;
  extra?: ExtraFields;
}

export class SessionsResource {
  constructor(private readonly ctx: ResourceContext) {}

  async create(params: CreateSessionParams, options?: CallOptions): Promise<JuspaySession> {
    const op = "sessions.create";
    const currency = currencyField(op, "currency", params.currency);
    const body: Record<string, string> = {
      ...(params.extra ? flattenForm(params.extra) : {}),
      order_id: checkId(op, "orderId", params.orderId, 20),
      amount: amountField(op, "amountMinor", params.amountMinor, currency),
      currency,
      customer_id: checkText(op, "customerId", params.customerId),
      payment_page_client_id: checkText(op, "paymentPageClientId", params.paymentPageClientId),
      action: params.action ?? "paymentPage",
    };
    const optional: [string, string | undefined][] = [
      ["customer_email", params.customerEmail],
      ["customer_phone", params.customerPhone],
      ["return_url", params.returnUrl],
      ["description", params.description],
      ["first_name", params.firstName],
      ["last_name", params.lastName],
      ["metadata.webhook_url", params.webhookUrl],
    ];
    for (const [name, value] of optional) if (value !== undefined) body[name] = value;
    if (params.mandate) Object.assign(body, mandateRegistrationFields(op, params.mandate, currency));
    checkPlainUdfs(op, body);
    const spec = this.ctx.jwe
      ? { path: "/v4/session", body: { kind: "jwe" as const, payload: body } }
      : { path: "/session", body: { kind: "json" as const, value: body } };
    return this.ctx.sender.send({ operation: op, method: "POST", ...spec, retry: "idempotent", schema: SessionSchema }, options);
  }
}
