// The simulator's state: what Juspay would hold for one merchant. Amounts are
// integer minor units (paise) internally; the render/ layer turns them into
// Juspay's decimal-rupee numbers. Times are simulated-clock epoch
// milliseconds. Everything here is plain JSON-serializable data so the state
// can be saved to and loaded from --state-file.

/** Juspay order/transaction status names (reference §2.3). */
export type OrderStatus =
  | "NEW"
  | "CREATED"
  | "STARTED"
  | "CHARGED"
  | "JUSPAY_DECLINED"
  | "PENDING_VBV"
  | "VBV_SUCCESSFUL"
  | "AUTHORIZED"
  | "AUTHENTICATION_FAILED"
  | "AUTHORIZATION_FAILED"
  | "AUTHORIZING"
  | "COD_INITIATED"
  | "VOIDED"
  | "VOID_INITIATED"
  | "CAPTURE_INITIATED"
  | "CAPTURE_FAILED"
  | "VOID_FAILED"
  | "AUTO_REFUNDED";

export type RefundStatus = "PENDING" | "SUCCESS" | "FAILURE" | "MANUAL_REVIEW";
export type MandateStatus = "CREATED" | "ACTIVE" | "PAUSED" | "REVOKED" | "FAILURE" | "EXPIRED";
export type NotificationStatus = "CREATED" | "PENDING" | "SUCCESS" | "FAILURE";

export type PaymentMethodType = "CARD" | "NB" | "UPI" | "WALLET" | "CASH";

/** What a payment attempt should end in; chosen by a test, or by the sandbox rules. */
export type Outcome =
  | "success"
  | "failure"
  | "pending_then_success"
  | "pending_then_failure"
  | "user_aborted"
  /** Pending, then failed (order abandoned), then the bank reports success late: Juspay auto-refunds it (AUTO_REFUNDED). */
  | "late_success_auto_refund";

export interface Txn {
  /** `<merchant_id>-<order_id>-<attempt#>` */
  txnId: string;
  txnUuid: string;
  attempt: number;
  status: OrderStatus;
  paymentMethodType: PaymentMethodType;
  /** e.g. VISA, NB_HDFC, UPI, PAYTM */
  paymentMethod: string;
  /** UPI collect/pay/intent flow when paymentMethodType is UPI. */
  txnFlowType?: string;
  payerVpa?: string;
  /** ORDER_PAYMENT, EMANDATE_REGISTER, EMANDATE_PAYMENT, MANDATE_REGISTER, MANDATE_PAYMENT */
  txnObjectType: string;
  /** Set for mandate executions: the mandate that was debited. */
  sourceObjectId?: string;
  amountMinor: number;
  gateway: string;
  gatewayId: number;
  errorCode: string | null;
  errorMessage: string;
  createdAt: number;
  /** Simulated time at which a pending attempt settles, with what status. */
  settleAt?: number;
  settleTo?: OrderStatus;
  /** Simulated time at which a failed attempt turns out to have succeeded at the bank (then AUTO_REFUNDED). */
  lateSuccessAt?: number;
}

export interface Refund {
  /** Juspay's refund id; null until sent to the gateway, like the real API. */
  id: string | null;
  uniqueRequestId: string;
  amountMinor: number;
  status: RefundStatus;
  sentToGateway: boolean;
  refundType: "STANDARD" | "INSTANT";
  initiatedBy: string;
  errorCode: string | null;
  errorMessage: string;
  createdAt: number;
  /** Simulated times of the next moves: to the gateway, then settlement. */
  sendAt: number;
  settleAt: number;
  settleTo: RefundStatus;
  ref: string | null;
  arn: string | null;
}

export interface Order {
  /** Juspay's own id (`ordeh_…`). */
  id: string;
  orderId: string;
  merchantId: string;
  status: OrderStatus;
  amountMinor: number;
  currency: string;
  customerId: string;
  customerEmail: string;
  customerPhone: string;
  description: string;
  productId: string;
  returnUrl: string;
  /** udf1..udf10 */
  udfs: string[];
  billingAddress: Record<string, string>;
  shippingAddress: Record<string, string>;
  metadata: Record<string, string>;
  /** options.create_mandate and mandate.* as received, when registering a mandate. */
  mandateRequest?: Record<string, string>;
  /** Mandate created by this order's successful registration attempt. */
  mandateId?: string;
  createdAt: number;
  updatedAt: number;
  txns: Txn[];
  refunds: Refund[];
  /** Set by a mandate execution: the order's debit runs against this mandate. */
  executesMandateId?: string;
  /** The client auth token issued with the order (Session API, options.get_client_auth_token). */
  clientAuthToken?: string;
  /** When that token expires, simulated epoch ms. */
  clientAuthTokenExpiry?: number;
}

export interface Customer {
  id: string;
  objectReferenceId: string;
  mobileNumber: string;
  mobileCountryCode: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  createdAt: number;
  updatedAt: number;
}

export interface Mandate {
  mandateId: string;
  mandateToken: string;
  mandateDebitToken: string;
  status: MandateStatus;
  /** MANDATE (cards) or EMANDATE (others). */
  mandateType: "MANDATE" | "EMANDATE";
  orderId: string;
  customerId: string;
  currency: string;
  maxAmountMinor: number;
  amountRule: "FIXED" | "VARIABLE";
  frequency: string;
  ruleType: string;
  ruleValue: string;
  startDate: number;
  endDate: number;
  revokableByCustomer: boolean;
  blockFund: boolean;
  paymentMethodType: PaymentMethodType;
  paymentMethod: string;
  payerVpa?: string;
  pauseStartDate?: number;
  pauseEndDate?: number;
  activatedAt?: number;
  createdAt: number;
  updatedAt: number;
}

export interface Notification {
  id: string;
  objectReferenceId: string;
  mandateId: string;
  status: NotificationStatus;
  amountMinor: number;
  /** The mandate's (the amount is in it); absent in state files written before it was kept = INR. */
  currency?: string;
  txnDate: number;
  description: string;
  providerName: string;
  providerRefId: string;
  displayInvoiceNumber?: string;
  responseCode?: string;
  responseMessage?: string;
  createdAt: number;
  updatedAt: number;
  settleAt: number;
  settleTo: NotificationStatus;
}

export interface SimState {
  orders: Record<string, Order>;
  customers: Record<string, Customer>;
  mandates: Record<string, Mandate>;
  notifications: Record<string, Notification>;
  /** merchantKeyId → PEM public key, for verifying signed SDK payloads. */
  merchantKeys: Record<string, string>;
  /** Monotonic counter behind generated ids. */
  sequence: number;
}

export function emptyState(): SimState {
  return { orders: {}, customers: {}, mandates: {}, notifications: {}, merchantKeys: {}, sequence: 0 };
}
