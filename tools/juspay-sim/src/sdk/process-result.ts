import type { Order, OrderStatus } from "../state/model.js";

// The events the mobile SDK hands the app (reference §3.1, §3.8): an envelope
// {event, requestId, service, payload, error, errorCode, errorMessage}.

export interface SdkEvent {
  event: "process_result" | "initiate_result";
  requestId: string;
  service: string;
  payload: Record<string, unknown>;
  error: boolean;
  errorCode: string;
  errorMessage: string;
}

/** The `payload.status` the SDK reports for an order's current status. */
export function sdkStatusOf(status: OrderStatus): string {
  switch (status) {
    case "CHARGED":
      return "charged";
    case "COD_INITIATED":
      return "cod_initiated";
    case "PENDING_VBV":
    case "STARTED":
    case "VBV_SUCCESSFUL":
      return "pending_vbv";
    case "AUTHORIZING":
      return "authorizing";
    case "AUTHENTICATION_FAILED":
      return "authentication_failed";
    case "AUTHORIZATION_FAILED":
    case "JUSPAY_DECLINED":
      return "authorization_failed";
    case "NEW":
    case "CREATED":
      return "new";
    default:
      return status.toLowerCase();
  }
}

const INSTRUMENT_GROUP: Record<string, string> = { CARD: "CARD", NB: "NB", UPI: "UPI", WALLET: "WALLET", CASH: "CASH" };

export function processResult(requestId: string, service: string, order: Order, statusOverride?: string): SdkEvent {
  const status = statusOverride ?? sdkStatusOf(order.status);
  const txn = order.txns.at(-1);
  const succeeded = status === "charged" || status === "cod_initiated";
  return {
    event: "process_result",
    requestId,
    service,
    payload: {
      action: "paymentPage",
      status,
      orderId: order.orderId,
      ...(txn ? { paymentInstrument: txn.paymentMethod, paymentInstrumentGroup: INSTRUMENT_GROUP[txn.paymentMethodType] ?? txn.paymentMethodType } : {}),
    },
    error: !succeeded,
    errorCode: succeeded ? "" : status === "backpressed" || status === "user_aborted" ? "JP_002" : "JP_006",
    errorMessage: succeeded ? "" : status,
  };
}

/** A payload the SDK refused before any payment (bad signature, stale, tampered). */
export function rejected(requestId: string, service: string, errorCode: string, errorMessage: string): SdkEvent {
  return {
    event: "process_result",
    requestId,
    service,
    payload: { action: "paymentPage", status: "api_failure" },
    error: true,
    errorCode,
    errorMessage,
  };
}
