import type {
  CallOptions,
  ExecuteMandateParams,
  ExecutionStatus,
  JuspayMandate,
  JuspayMandateList,
  JuspayNotification,
  JuspayTxnAnswer,
  ListMandatesOptions,
  PauseMandateParams,
  PreDebitNotifyParams,
  ResumeMandateParams,
} from "@payments/juspay";

// What the mandate use cases need from Juspay (reference §2.8), narrow like
// ports.ts: @payments/juspay's JuspayClient satisfies it.

export interface JuspayMandatesApi {
  revoke(mandateId: string, options?: CallOptions): Promise<JuspayMandate>;
  pause(mandateId: string, params?: PauseMandateParams, options?: CallOptions): Promise<JuspayMandate>;
  resume(mandateId: string, params?: ResumeMandateParams, options?: CallOptions): Promise<JuspayMandate>;
  checkStatus(mandateId: string, options?: CallOptions): Promise<JuspayMandate>;
  preDebitNotify(mandateId: string, params: PreDebitNotifyParams, options?: CallOptions): Promise<JuspayNotification>;
  list(customerId: string, options?: ListMandatesOptions): Promise<JuspayMandateList>;
}

export interface JuspayNotificationsApi {
  status(notificationId: string, options?: CallOptions): Promise<JuspayNotification>;
}

export interface JuspayTxnsApi {
  executeMandate(params: ExecuteMandateParams, options?: CallOptions): Promise<JuspayTxnAnswer>;
  executionStatus(orderId: string, options?: CallOptions): Promise<ExecutionStatus>;
}
