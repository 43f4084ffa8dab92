import type {
  ExecuteMandateParams,
  ExecutionStatus,
  JuspayMandate,
  JuspayMandateList,
  JuspayNotification,
  JuspayTxnAnswer,
  ListMandatesOptions,
  NotificationStatusOptions,
  PauseMandateParams,
  PreDebitNotifyParams,
  ResumeMandateParams,
} from "@payments/juspay";
import type { Routed } from "./ports.js";

// What the mandate use cases need from Juspay (reference §2.8), narrow like
// ports.ts: @payments/juspay's JuspayClient satisfies it. Every call names
// its customer's x-routing-id (Routed).

export interface JuspayMandatesApi {
  revoke(mandateId: string, options: Routed): Promise<JuspayMandate>;
  pause(mandateId: string, params: PauseMandateParams | undefined, options: Routed): Promise<JuspayMandate>;
  resume(mandateId: string, params: ResumeMandateParams | undefined, options: Routed): Promise<JuspayMandate>;
  checkStatus(mandateId: string, options: Routed): Promise<JuspayMandate>;
  preDebitNotify(mandateId: string, params: PreDebitNotifyParams, options: Routed): Promise<JuspayNotification>;
  list(customerId: string, options: Routed<ListMandatesOptions>): Promise<JuspayMandateList>;
}

export interface JuspayNotificationsApi {
  status(notificationId: string, options: Routed<NotificationStatusOptions>): Promise<JuspayNotification>;
}

export interface JuspayTxnsApi {
  executeMandate(params: ExecuteMandateParams, options: Routed): Promise<JuspayTxnAnswer>;
  executionStatus(orderId: string, options: Routed): Promise<ExecutionStatus>;
}
