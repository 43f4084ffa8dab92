import type { DescService } from "@bufbuild/protobuf";

// Which scope each RPC requires (issue 8, ADR 0018). A caller holds a set of
// scopes; an RPC it lacks the scope for is PERMISSION_DENIED. The table names
// every method of every payments.v1 service (a test checks it stays complete);
// a method missing here is refused to everyone rather than open to everyone.

export const SCOPES = [
  /** CreateInitiatePayload, CreateProcessPayload, VerifySdkResult: what the mobile BFF does. */
  "payloads.write",
  /** GetOrderStatus, WatchOrder, GetRefund, ListRefunds. */
  "orders.read",
  /** UpdateOrder. */
  "orders.write",
  /** RefundOrder: money leaves. */
  "refunds.write",
  /** GetMandate, GetMandateOrderStatus, GetMandateExecutionStatus, ListMandates, GetPreDebitNotification. */
  "mandates.read",
  /** RevokeMandate, PauseMandate, ResumeMandate, SendPreDebitNotification, ExecuteMandate. */
  "mandates.write",
  /** IngestJuspayWebhook: the webhook bridge only. */
  "webhooks.ingest",
  /** ListWebhookEvents, ReplayWebhookEvent: operators. */
  "webhooks.admin",
  /** StreamPaymentEvents: consumers of the event stream. */
  "events.read",
  /** gRPC server reflection (buf curl, grpcurl): the whole contract, rules included, for operators and tools, not for every caller. */
  "reflection.read",
] as const;

export type Scope = (typeof SCOPES)[number];

/** Scopes a customer-scoped caller (acting for one end customer) may hold: reads of its own objects and payloads. */
export const CUSTOMER_SCOPABLE: ReadonlySet<Scope> = new Set(["payloads.write", "orders.read", "mandates.read"]);

export const METHOD_SCOPES: Readonly<Record<string, Scope>> = {
  "payments.v1.PayloadService/CreateInitiatePayload": "payloads.write",
  "payments.v1.PayloadService/CreateProcessPayload": "payloads.write",
  "payments.v1.PayloadService/VerifySdkResult": "payloads.write",
  "payments.v1.OrderService/GetOrderStatus": "orders.read",
  "payments.v1.OrderService/WatchOrder": "orders.read",
  "payments.v1.OrderService/GetRefund": "orders.read",
  "payments.v1.OrderService/ListRefunds": "orders.read",
  "payments.v1.OrderService/UpdateOrder": "orders.write",
  "payments.v1.OrderService/RefundOrder": "refunds.write",
  "payments.v1.MandateService/GetMandateOrderStatus": "mandates.read",
  "payments.v1.MandateService/GetMandateExecutionStatus": "mandates.read",
  "payments.v1.MandateService/GetMandate": "mandates.read",
  "payments.v1.MandateService/ListMandates": "mandates.read",
  "payments.v1.MandateService/GetPreDebitNotification": "mandates.read",
  "payments.v1.MandateService/RevokeMandate": "mandates.write",
  "payments.v1.MandateService/PauseMandate": "mandates.write",
  "payments.v1.MandateService/ResumeMandate": "mandates.write",
  "payments.v1.MandateService/SendPreDebitNotification": "mandates.write",
  "payments.v1.MandateService/ExecuteMandate": "mandates.write",
  "payments.v1.WebhookService/IngestJuspayWebhook": "webhooks.ingest",
  "payments.v1.WebhookService/ListWebhookEvents": "webhooks.admin",
  "payments.v1.WebhookService/ReplayWebhookEvent": "webhooks.admin",
  "payments.v1.WebhookService/StreamPaymentEvents": "events.read",
};

export type Access =
  /** No credentials needed (load balancers and Kubernetes probe health). */
  | { kind: "public" }
  | { kind: "scope"; scope: Scope }
  /** Not in the table: nobody. */
  | { kind: "nobody" };

export function accessOf(service: DescService, methodName: string): Access {
  if (service.typeName === "grpc.health.v1.Health") return { kind: "public" };
  // Reflection hands out every method and its rules: a caller that needs it holds a scope for it (issue 15).
  if (service.typeName.startsWith("grpc.reflection.")) return { kind: "scope", scope: "reflection.read" };
  const scope = METHOD_SCOPES[`${service.typeName}/${methodName}`];
  return scope === undefined ? { kind: "nobody" } : { kind: "scope", scope };
}
