import type {
  CallOptions,
  CreateSessionParams,
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

export interface JuspayOrdersApi {
  status(orderId: string, options?: OrderStatusOptions): Promise<JuspayOrder>;
  update(orderId: string, params: UpdateOrderParams, options?: CallOptions): Promise<JuspayOrder>;
  refund(orderId: string, params: RefundOrderParams, options?: CallOptions): Promise<JuspayOrder>;
}

export interface JuspaySessionsApi {
  create(params: CreateSessionParams, options?: CallOptions): Promise<JuspaySession>;
}

export interface JuspayApi {
  orders: JuspayOrdersApi;
  sessions: JuspaySessionsApi;
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
