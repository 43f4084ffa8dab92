import { MandateService } from "@payments/proto/payments/v1/mandate_service_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { PayloadService } from "@payments/proto/payments/v1/payload_service_pb";
import { WebhookService } from "@payments/proto/payments/v1/webhook_service_pb";

/** The four services of payments.v1, by the property name each client exposes. */
export const SERVICES = {
  payload: PayloadService,
  order: OrderService,
  mandate: MandateService,
  webhook: WebhookService,
} as const;

export type ServiceName = keyof typeof SERVICES;
