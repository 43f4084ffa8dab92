import { payOrder, type PaymentRequest } from "../../src/engine/orders.js";
import type { Order } from "../../src/state/model.js";
import { startSimulator, type Simulator } from "../../src/simulator.js";
import type { SimulatorOptions } from "../../src/context.js";

// Tests talk to a real simulator over HTTP, as the payments service does.
// Payments (which happen on Juspay's side, not through the merchant API) are
// made through the engine with the simulator's own context.

export const API_KEY = "sim_test_api_key";

// Juspay answers are open-ended JSON; tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
}

export const basic = (user: string): string => `Basic ${Buffer.from(user).toString("base64")}`;
export const AUTH = basic(`${API_KEY}:`);

export interface Api {
  sim: Simulator;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  form(path: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Reply>;
  json(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}

export async function startApi(overrides: Partial<SimulatorOptions> = {}): Promise<Api> {
  const sim = await startSimulator({ port: 0, ...overrides });
  const call = async (method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Reply> =>
    reply(await fetch(sim.url + path, { method, body, headers: { authorization: AUTH, ...headers } }));
  return {
    sim,
    // Juspay documents Content-Type as required on its GETs too (src/http/get-content-type.ts).
    get: (path, headers = {}) => call("GET", path, undefined, { "content-type": "application/x-www-form-urlencoded", ...headers }),
    form: (path, fields, headers = {}) =>
      call("POST", path, new URLSearchParams(fields).toString(), { "content-type": "application/x-www-form-urlencoded", ...headers }),
    json: (path, body, headers = {}) => call("POST", path, JSON.stringify(body), { "content-type": "application/json", ...headers }),
    close: () => sim.close(),
  };
}

/** A payment attempt on the simulator's side (the customer paying on the SDK / payment page). */
export function pay(api: Api, orderId: string, payment: PaymentRequest = {}): Order {
  return payOrder(api.sim.context, orderId, payment);
}

export interface Emitted {
  name: string;
  content: Json;
  webhookUrl: string | undefined;
}

/** Records every webhook event the engines emit (delivery itself is not under test here). */
export function captureEvents(api: Api): Emitted[] {
  const events = api.sim.context.events;
  const emit = events.emit.bind(events);
  const seen: Emitted[] = [];
  events.emit = (name, content, options) => {
    seen.push({ name, content: JSON.parse(JSON.stringify(content)), webhookUrl: options?.webhookUrl });
    return emit(name, content, options);
  };
  return seen;
}

let seq = 0;
/** A fresh valid order id (≤ 20 chars). */
export function orderId(prefix = "ord"): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.slice(-20);
}

/** The customer of mandate orders made by newOrder (Create Customer wants an object_reference_id of 8 or more characters). */
export const MANDATE_CUSTOMER = "cust_mandate";

/** Creates the customer (a mandate's prerequisite at Juspay) over HTTP; one that exists already is fine. */
export async function ensureCustomer(api: Api, reference: string): Promise<void> {
  const res = await api.form("/customers", { object_reference_id: reference, mobile_number: "9999999999" });
  if (res.status !== 200 && res.body?.error_info?.code !== "ALREADY_EXISTS") throw new Error(`create customer failed: ${res.status} ${JSON.stringify(res.body)}`);
}

const registersMandate = (fields: Record<string, string>): boolean => Object.keys(fields).some((k) => k.startsWith("mandate.") || k === "options.create_mandate");

/** Creates an order over HTTP (a mandate order for a customer created first); returns its order_id. */
export async function newOrder(api: Api, amount = "100.00", fields: Record<string, string> = {}): Promise<string> {
  const id = fields["order_id"] ?? orderId();
  const customerId = fields["customer_id"] ?? (registersMandate(fields) ? MANDATE_CUSTOMER : "cust_1");
  if (registersMandate(fields)) await ensureCustomer(api, customerId);
  const res = await api.form("/orders", { order_id: id, amount, customer_id: customerId, customer_email: "a@b.in", customer_phone: "9999999999", ...fields });
  if (res.status !== 200) throw new Error(`create order failed: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

/** An order charged by a successful attempt of the given type. */
export async function chargedOrder(api: Api, amount = "100.00", payment: PaymentRequest = {}, fields: Record<string, string> = {}): Promise<string> {
  const id = await newOrder(api, amount, fields);
  pay(api, id, { outcome: "success", ...payment });
  return id;
}
