import type { SimContext } from "../context.js";
import { createOrder, findOrder, payOrder, type PaymentRequest } from "../engine/orders.js";
import { JuspayError } from "../http/errors.js";
import type { Route, SimRequest, SimResponse } from "../http/server.js";
import { processResult, rejected, type SdkEvent } from "../sdk/process-result.js";
import { checkOrderDetails, checkSignaturePayload, type SdkPayloadError } from "../sdk/order-details.js";
import { verifySignature } from "../sdk/signature.js";
import type { Outcome, PaymentMethodType } from "../state/model.js";

// The mobile SDK's side, played over HTTP: a test (or a developer) posts the
// payload exactly as our service handed it to the app, and the simulator does
// what HyperSDK + Juspay would: verify it, create or find the order, run a
// payment with the chosen outcome, and answer with the SDK's event. A
// rejected payload answers HTTP 400 with the error event, so callers can tell
// without parsing.

const HYPERPAY = "in.juspay.hyperpay";

interface ProcessBody {
  /** The process payload (object or its JSON text) as given to HyperServices.process. */
  process_payload?: unknown;
  initiate_payload?: unknown;
  /** What the user does: pay with this outcome, or back out before paying. */
  outcome?: Outcome | "backpressed";
  payment_method_type?: PaymentMethodType;
  payment_method?: string;
  vpa?: string;
}

export function sdkRoutes(ctx: SimContext): Route[] {
  return [
    { name: "sdk_initiate", method: "POST", path: "/sdk/initiate", auth: "none", handler: (req) => initiate(ctx, req) },
    { name: "sdk_process", method: "POST", path: "/sdk/process", auth: "none", handler: (req) => processPayment(ctx, req) },
  ];
}

function initiate(ctx: SimContext, req: SimRequest): SimResponse {
  const body = readBody(req);
  const envelope = asEnvelope(body.initiate_payload);
  const { requestId, service, payload } = envelope;
  const fail = (code: string, message: string): SimResponse => ({ status: 400, body: { ...rejected(requestId, service, code, message), event: "initiate_result" } });
  if (service !== HYPERPAY) return fail("JP_003", `service must be ${HYPERPAY}`);
  if (payload.action !== "initiate") return fail("JP_003", "payload.action must be initiate");
  if (payload.merchantId !== ctx.options.merchantId) return fail("JP_001", "Unknown merchantId");
  // Current Juspay demos initiate without a signature; older signature-based
  // initiates carry signaturePayload + signature + merchantKeyId.
  if (payload.signaturePayload !== undefined) {
    const problem = signed(ctx, payload, "signaturePayload") ?? checkSignaturePayload(String(payload.signaturePayload), ctx.options.merchantId, ctx.clock.now());
    if (problem) return fail(problem.code, problem.message);
  }
  const event: SdkEvent = {
    event: "initiate_result",
    requestId,
    service,
    payload: { action: "initiate", status: "success" },
    error: false,
    errorCode: "",
    errorMessage: "",
  };
  return { body: event };
}

function processPayment(ctx: SimContext, req: SimRequest): SimResponse {
  const body = readBody(req);
  const { requestId, service, payload } = asEnvelope(body.process_payload);
  const fail = (problem: SdkPayloadError): SimResponse => ({ status: 400, body: rejected(requestId, service, problem.code, problem.message) });
  if (service !== HYPERPAY) return fail({ code: "JP_003", message: `service must be ${HYPERPAY}` });
  if (payload.action !== "paymentPage") return fail({ code: "JP_003", message: "payload.action must be paymentPage" });
  if (payload.merchantId !== ctx.options.merchantId) return fail({ code: "JP_001", message: "Unknown merchantId" });

  let orderId: string;
  if (payload.orderDetails !== undefined) {
    const problem = signed(ctx, payload, "orderDetails");
    if (problem) return fail(problem);
    const details = checkOrderDetails(String(payload.orderDetails), payload, ctx.options.merchantId, ctx.clock.now());
    if (!details.ok) return fail(details);
    const existing = findOrder(ctx, details.orderId);
    if (existing) {
      const mismatch = details.matches(existing);
      if (mismatch) return fail({ code: "JP_001", message: mismatch });
    } else {
      // Refused as Juspay refuses the order (mandate rules, unknown mandate customer): the SDK reports it.
      try {
        createOrder(ctx, details.fields, "sdk");
      } catch (err) {
        if (err instanceof JuspayError) return fail({ code: "JP_001", message: err.message });
        throw err;
      }
    }
    orderId = details.orderId;
  } else if (payload.clientAuthToken !== undefined) {
    // Session-API flavour: Juspay created the order at /session; the token
    // ties this payload to it.
    const order = findOrder(ctx, String(payload.orderId ?? ""));
    if (!order) return fail({ code: "JP_001", message: "Order not found for this sdk_payload" });
    if (order.clientAuthToken === undefined || order.clientAuthToken !== payload.clientAuthToken) {
      return fail({ code: "JP_001", message: "Invalid clientAuthToken" });
    }
    if (order.clientAuthTokenExpiry !== undefined && order.clientAuthTokenExpiry < ctx.clock.now()) {
      return fail({ code: "JP_001", message: "clientAuthToken expired" });
    }
    orderId = order.orderId;
  } else {
    return fail({ code: "JP_003", message: "payload needs orderDetails + signature + merchantKeyId, or a Session-API sdk_payload" });
  }

  if (body.outcome === "backpressed") {
    return { body: processResult(requestId, service, findOrder(ctx, orderId)!, "backpressed") };
  }
  const payment: PaymentRequest = {};
  if (body.outcome !== undefined) payment.outcome = body.outcome;
  if (body.payment_method_type !== undefined) payment.paymentMethodType = body.payment_method_type;
  if (body.payment_method !== undefined) payment.paymentMethod = body.payment_method;
  if (body.vpa !== undefined) payment.vpa = body.vpa;
  try {
    const order = payOrder(ctx, orderId, payment);
    return { body: processResult(requestId, service, order, body.outcome === "user_aborted" ? "user_aborted" : undefined) };
  } catch (err) {
    if (err instanceof JuspayError) return fail({ code: "JP_001", message: err.message });
    throw err;
  }
}

/** Verifies `signature` over payload[field] with the key named by merchantKeyId. */
function signed(ctx: SimContext, payload: Record<string, unknown>, field: "orderDetails" | "signaturePayload"): SdkPayloadError | undefined {
  if (typeof payload[field] !== "string") return { code: "JP_003", message: `${field} must be a JSON string` };
  if (typeof payload.signature !== "string" || typeof payload.merchantKeyId !== "string") {
    return { code: "JP_003", message: "signature and merchantKeyId are required" };
  }
  const check = verifySignature(ctx.state.merchantKeys, payload.merchantKeyId, payload[field], payload.signature);
  if (check.ok) return undefined;
  return check.reason === "unknown_key"
    ? { code: "JP_001", message: `Unknown merchantKeyId ${payload.merchantKeyId}` }
    : { code: "JP_001", message: "Signature verification failed" };
}

function readBody(req: SimRequest): ProcessBody {
  try {
    const parsed: unknown = JSON.parse(req.rawBody.toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as ProcessBody;
  } catch {
    // answered below
  }
  throw new JuspayError(400, { status: "Invalid Request", error_code: "INVALID_INPUT", error_message: "Body must be a JSON object" });
}

interface Envelope {
  requestId: string;
  service: string;
  payload: Record<string, unknown>;
}

function asEnvelope(value: unknown): Envelope {
  const parsed: unknown = typeof value === "string" ? safeParse(value) : value;
  if (parsed === null || typeof parsed !== "object") {
    throw new JuspayError(400, { status: "Invalid Request", error_code: "INVALID_INPUT", error_message: "process_payload (or initiate_payload) is required" });
  }
  const envelope = parsed as Record<string, unknown>;
  const payload = envelope.payload;
  return {
    requestId: typeof envelope.requestId === "string" ? envelope.requestId : "",
    service: typeof envelope.service === "string" ? envelope.service : "",
    payload: payload !== null && typeof payload === "object" ? (payload as Record<string, unknown>) : {},
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
