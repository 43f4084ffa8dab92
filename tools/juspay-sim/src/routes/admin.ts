import { createPublicKey } from "node:crypto";
import { isoTime } from "../context.js";
import { payOrder, type PaymentRequest } from "../engine/orders.js";
import { JuspayError } from "../http/errors.js";
import { validateFault, type Fault, type FaultRule } from "../http/faults.js";
import type { Route, SimRequest, SimResponse } from "../http/server.js";
import { renderOrder } from "../render/order.js";
import type { Simulator } from "../simulator.js";
import type { Outcome, PaymentMethodType } from "../state/model.js";
import { SettingsError, publicSettings } from "../webhooks/settings.js";

// The admin API: JSON in and out under /__admin/, no auth, never counted or
// faulted (see Route.admin). Each route is a thin wrapper over the same
// operation on the Simulator object, so tests can use either.

export function adminRoutes(sim: Simulator): Route[] {
  const route = (method: Route["method"], path: string, name: string, handler: (req: SimRequest) => SimResponse | Promise<SimResponse>): Route => ({
    method,
    path: `/__admin${path}`,
    name: `admin_${name}`,
    auth: "none",
    admin: true,
    handler,
  });
  const ok = (body: unknown): SimResponse => ({ body });

  return [
    route("GET", "/health", "health", () => ok({ ok: true })),
    route("GET", "/routes", "routes", () => ok({ routes: sim.routes.map(({ method, path, name, auth }) => ({ method, path, name, auth })) })),

    route("GET", "/faults", "faults_list", () => ok({ rules: listFaults(sim) })),
    route("POST", "/faults", "faults_add", (req) => {
      const body = readJson(req);
      const raw = Array.isArray(body) ? body : [body];
      // Validate every rule before adding any, so a bad script changes nothing.
      const rules = raw.map((r, i) => parseRule(sim, r, raw.length > 1 ? `rule ${i}: ` : ""));
      sim.faults.add(...rules);
      return ok({ rules: listFaults(sim) });
    }),
    route("DELETE", "/faults", "faults_clear", () => {
      sim.faults.clear();
      return ok({ rules: [] });
    }),

    route("GET", "/clock", "clock", () => ok(clockInfo(sim))),
    route("POST", "/clock/advance", "clock_advance", (req) => {
      const { ms } = readObject(req);
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw adminError(400, "ms must be a number >= 0 (simulated milliseconds)");
      sim.clock.advance(ms);
      return ok(clockInfo(sim));
    }),

    route("GET", "/counters", "counters", () => ok(sim.counters.snapshot())),
    route("POST", "/counters/reset", "counters_reset", () => {
      sim.counters.reset();
      return ok(sim.counters.snapshot());
    }),

    route("GET", "/webhooks", "webhooks", () => ok({ settings: publicSettings(sim.webhooks.settings()), deliveries: sim.webhooks.deliveries() })),
    route("DELETE", "/webhooks", "webhooks_clear", () => {
      sim.webhooks.clear();
      return ok({ deliveries: [] });
    }),
    route("GET", "/webhooks/events", "webhooks_events", () => ok({ events: sim.webhooks.events })),
    route("GET", "/webhooks/settings", "webhooks_settings", () => ok(publicSettings(sim.webhooks.settings()))),
    route("PUT", "/webhooks/settings", "webhooks_configure", (req) => {
      try {
        return ok(publicSettings(sim.webhooks.configure(readObject(req))));
      } catch (err) {
        if (err instanceof SettingsError) throw adminError(400, err.message);
        throw err;
      }
    }),
    route("POST", "/webhooks/emit", "webhooks_emit", (req) => {
      const { event_name, content, webhook_url, ...rest } = readObject(req);
      noExtra(rest);
      if (typeof event_name !== "string" || event_name === "") throw adminError(400, "event_name must be a non-empty string");
      if (content !== undefined && !isObject(content)) throw adminError(400, "content must be a JSON object");
      if (webhook_url !== undefined && typeof webhook_url !== "string") throw adminError(400, "webhook_url must be a string");
      const event = sim.webhooks.emit(event_name, (content ?? {}) as Record<string, unknown>, webhook_url ? { webhookUrl: webhook_url } : {});
      return ok({ event });
    }),
    route("POST", "/webhooks/flush", "webhooks_flush", () => {
      sim.webhooks.flush();
      return ok({ ok: true });
    }),

    route("POST", "/merchant-keys", "merchant_keys", (req) => {
      const { keyId, publicKeyPem, ...rest } = readObject(req);
      noExtra(rest);
      if (typeof keyId !== "string" || keyId === "") throw adminError(400, "keyId must be a non-empty string");
      if (typeof publicKeyPem !== "string" || !isRsaPublicKey(publicKeyPem)) throw adminError(400, "publicKeyPem must be an RSA public key in PEM");
      sim.registerMerchantKey(keyId, publicKeyPem);
      return ok({ keyId });
    }),

    // The /v4 routes' keys: the merchant's public key per JWT key id, and the simulator's own public key.
    route("POST", "/jwe-keys", "jwe_keys", (req) => {
      const { keyId, publicKeyPem, ...rest } = readObject(req);
      noExtra(rest);
      if (typeof keyId !== "string" || keyId === "") throw adminError(400, "keyId must be a non-empty string");
      if (typeof publicKeyPem !== "string" || !isRsaPublicKey(publicKeyPem)) throw adminError(400, "publicKeyPem must be an RSA public key in PEM");
      sim.registerJweKey(keyId, publicKeyPem);
      return ok({ keyId, juspayPublicKeyPem: sim.jwePublicKeyPem });
    }),
    route("GET", "/jwe-keys", "jwe_public_key", () => ok({ juspayPublicKeyPem: sim.jwePublicKeyPem })),

    // Answers with the order as GET /orders/:order_id renders it; Juspay errors (unknown order, already paid) pass through.
    route("POST", "/orders/:orderId/pay", "order_pay", (req) => {
      const order = payOrder(sim.context, req.params.orderId!, parsePayment(readObject(req)));
      return ok({ order: renderOrder(sim.context, order) });
    }),

    route("GET", "/state", "state", () => ok(sim.state)),
    route("POST", "/reset", "reset", () => {
      sim.reset();
      return ok({ ok: true });
    }),
  ];
}

function adminError(status: number, message: string): JuspayError {
  return new JuspayError(status, { error: message });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The JSON body; an empty body reads as {}. */
function readJson(req: SimRequest): unknown {
  const text = req.rawBody.toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw adminError(400, `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readObject(req: SimRequest): Record<string, unknown> {
  const body = readJson(req);
  if (!isObject(body)) throw adminError(400, "body must be a JSON object");
  return body;
}

function noExtra(rest: Record<string, unknown>, prefix = ""): void {
  const extra = Object.keys(rest);
  if (extra.length > 0) throw adminError(400, `${prefix}unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")}`);
}

function clockInfo(sim: Simulator): Record<string, unknown> {
  const now = sim.clock.now();
  return { now: Math.floor(now), nowIso: isoTime(now), timeScale: sim.clock.timeScale, pendingTasks: sim.clock.pending() };
}

// JSON has no Infinity: rules that apply to every call show times "always".
function listFaults(sim: Simulator): Array<Omit<FaultRule, "times"> & { times: number | "always" }> {
  return sim.faults.list().map((r) => ({ ...r, times: r.times === Infinity ? "always" : (r.times ?? 1) }));
}

function parseRule(sim: Simulator, raw: unknown, prefix: string): FaultRule {
  const fail = (message: string): JuspayError => adminError(400, prefix + message);
  if (!isObject(raw)) throw fail("a fault rule must be an object {route, fault: {kind, ...}, times?, pathIncludes?}");
  const { route, fault, times, pathIncludes, ...rest } = raw;
  noExtra(rest, prefix);
  const known = sim.routes.filter((r) => !r.admin).map((r) => r.name);
  if (typeof route !== "string" || route === "") throw fail('route must be a route name (see GET /__admin/routes) or "*"');
  if (route !== "*" && !known.includes(route)) {
    throw fail(`unknown route ${JSON.stringify(route)}${route.startsWith("admin_") ? " (admin routes cannot be faulted)" : ""}; known: ${known.join(", ") || "(none)"}, *`);
  }
  if (!isObject(fault)) throw fail("fault must be an object with a kind");
  for (const key of ["ms", "status", "retryAfterSeconds"]) {
    if (fault[key] !== undefined && typeof fault[key] !== "number") throw fail(`fault ${key} must be a number`);
  }
  try {
    validateFault(fault as unknown as Fault);
  } catch (err) {
    throw fail(err instanceof Error ? err.message : String(err));
  }
  if (fault.kind === "status" && fault.body !== undefined && fault.body !== "json" && fault.body !== "html") throw fail('status fault body must be "json" or "html"');
  if (fault.kind === "hang" && fault.afterHandler !== undefined && typeof fault.afterHandler !== "boolean") throw fail("hang fault afterHandler must be a boolean");
  const rule: FaultRule = { route, fault: fault as unknown as Fault };
  if (times === "always") rule.times = Infinity;
  else if (times !== undefined) {
    if (typeof times !== "number" || !Number.isInteger(times) || times < 1) throw fail('times must be an integer >= 1 or "always"');
    rule.times = times;
  }
  if (pathIncludes !== undefined) {
    if (typeof pathIncludes !== "string" || pathIncludes === "") throw fail("pathIncludes must be a non-empty string");
    rule.pathIncludes = pathIncludes;
  }
  return rule;
}

// Records keyed by the model's unions, so a new outcome or method type fails to compile here until listed.
const OUTCOMES = Object.keys({
  success: true,
  failure: true,
  pending_then_success: true,
  pending_then_failure: true,
  user_aborted: true,
  late_success_auto_refund: true,
} satisfies Record<Outcome, true>) as Outcome[];
const METHOD_TYPES = Object.keys({ CARD: true, NB: true, UPI: true, WALLET: true, CASH: true } satisfies Record<PaymentMethodType, true>) as PaymentMethodType[];

function parsePayment(body: Record<string, unknown>): PaymentRequest {
  const { outcome, payment_method_type, payment_method, vpa, ...rest } = body;
  noExtra(rest);
  const payment: PaymentRequest = {};
  if (outcome !== undefined) {
    if (!OUTCOMES.includes(outcome as Outcome)) throw adminError(400, `outcome must be one of ${OUTCOMES.join(", ")}`);
    payment.outcome = outcome as Outcome;
  }
  if (payment_method_type !== undefined) {
    if (!METHOD_TYPES.includes(payment_method_type as PaymentMethodType)) throw adminError(400, `payment_method_type must be one of ${METHOD_TYPES.join(", ")}`);
    payment.paymentMethodType = payment_method_type as PaymentMethodType;
  }
  if (payment_method !== undefined) {
    if (typeof payment_method !== "string") throw adminError(400, "payment_method must be a string");
    payment.paymentMethod = payment_method;
  }
  if (vpa !== undefined) {
    if (typeof vpa !== "string") throw adminError(400, "vpa must be a string");
    payment.vpa = vpa;
  }
  return payment;
}

function isRsaPublicKey(pem: string): boolean {
  try {
    return createPublicKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}
