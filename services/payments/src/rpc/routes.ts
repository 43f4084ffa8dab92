import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "@payments/proto/health/v1/health_pb";
import { ServerReflection as ServerReflectionV1 } from "@payments/proto/grpc/reflection/v1/reflection_pb";
import { ServerReflection as ServerReflectionV1Alpha } from "@payments/proto/grpc/reflection/v1alpha/reflection_pb";
import { MandateService } from "@payments/proto/payments/v1/mandate_service_pb";
import { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { PayloadService } from "@payments/proto/payments/v1/payload_service_pb";
import { WebhookService } from "@payments/proto/payments/v1/webhook_service_pb";
import type { AppContext } from "../app/context.js";
import type { OrderChangeFeed } from "../app/orders/order-change-feed.js";
import type { HealthMonitor } from "../health/health-monitor.js";
import { healthService } from "./health-service.js";
import { mandateService } from "./mandate-service.js";
import { orderService } from "./order-service.js";
import { payloadService } from "./payload-service.js";
import { reflectionServices } from "./reflection-service.js";
import { webhookService } from "./webhook-service.js";

/** The four payments.v1 services this server answers. */
export const PAYMENTS_SERVICES: readonly DescService[] = [PayloadService, OrderService, MandateService, WebhookService];

export interface RouteDependencies {
  health: HealthMonitor;
  app: AppContext;
  changeFeed: OrderChangeFeed;
}

/** Every route the server serves, on every protocol (gRPC, gRPC-Web, Connect). */
export function routes(deps: RouteDependencies) {
  const served = [...PAYMENTS_SERVICES, Health, ServerReflectionV1, ServerReflectionV1Alpha];
  const reflection = reflectionServices(served);
  return (router: ConnectRouter) => {
    router.service(PayloadService, payloadService(deps.app));
    router.service(OrderService, orderService(deps.app, deps.changeFeed));
    router.service(MandateService, mandateService(deps.app));
    router.service(WebhookService, webhookService(deps.app));
    router.service(Health, healthService(deps.health, PAYMENTS_SERVICES.map((s) => s.typeName)));
    router.service(ServerReflectionV1, reflection.v1);
    router.service(ServerReflectionV1Alpha, reflection.v1alpha);
  };
}
