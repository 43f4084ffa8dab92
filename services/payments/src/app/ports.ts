import type {
  CallOptions,
  CreateCustomerParams,
  CreateSessionParams,
  GetCustomerOptions,
  JuspayCustomer,
  JuspayOrder,
  JuspaySession,
  OrderStatusOptions,
  RefundOrderParams,
  UpdateOrderParams,
} from "@payments/juspay";
import type { JuspayMandatesApi, JuspayNotificationsApi, JuspayTxnsApi } from "./mandate-ports.js";

// What the use cases need from Juspay: a narrow interface that
// @payments/juspay's JuspayClient satisfies, so tests and later adapters can
// stand in without a network.

/**
 * Options of a call tied to a customer. `x-routing-id` is required: Juspay
 * says it is "crucial that you use the same x-routing-id for all requests tied
 * to the same customer" (reference §1.3), so a call site that forgets it does
 * not compile.
 */
export type Routed<T extends CallOptions = CallOptions> = T & { routingId: string };

export interface JuspayOrdersApi {
  status(orderId: string, options: Routed<OrderStatusOptions>): Promise<JuspayOrder>;
  update(orderId: string, params: UpdateOrderParams, options: Routed): Promise<JuspayOrder>;
  refund(orderId: string, params: RefundOrderParams, options: Routed): Promise<JuspayOrder>;
}

export interface JuspaySessionsApi {
  create(params: CreateSessionParams, options: Routed): Promise<JuspaySession>;
}

export interface JuspayCustomersApi {
  create(params: CreateCustomerParams, options: Routed): Promise<JuspayCustomer>;
  get(customerId: string, options: Routed<GetCustomerOptions>): Promise<JuspayCustomer>;
}

export interface JuspayApi {
  orders: JuspayOrdersApi;
  sessions: JuspaySessionsApi;
  customers: JuspayCustomersApi;
  mandates: JuspayMandatesApi;
  notifications: JuspayNotificationsApi;
  txns: JuspayTxnsApi;
}

/** Per-call limits passed down from the RPC: the caller's cancellation and deadline. */
export interface CallBudget {
  signal?: AbortSignal;
  /** Epoch ms by which Juspay calls must be over. */
  deadline?: number;
}
