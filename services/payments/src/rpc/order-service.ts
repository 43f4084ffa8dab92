import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { GetOrderStatusResponseSchema, type OrderService } from "@payments/proto/payments/v1/order_service_pb";
import type { AppContext } from "../app/context.js";
import { getOrderStatus } from "../app/orders/get-order-status.js";
import type { OrderChangeFeed } from "../app/orders/order-change-feed.js";
import { budgetOf } from "./call-context.js";
import { orderToProto, staleReasonOf } from "./order-proto.js";
import { refundHandlers } from "./refund-handlers.js";

// OrderService: thin handlers from proto to the use cases and back. Requests
// arrive validated (field rules); errors are mapped by rpc/error-map.ts.

export function orderService(app: AppContext, _changeFeed: OrderChangeFeed): ServiceImpl<typeof OrderService> {
  return {
    async getOrderStatus(req, ctx) {
      const result = await getOrderStatus(app, req.orderId, budgetOf(ctx));
      return create(GetOrderStatusResponseSchema, {
        order: orderToProto(result.order, result.refunds),
        stale: result.stale !== null,
        staleReason: staleReasonOf(result.stale),
      });
    },
    ...refundHandlers(app),
    updateOrder() {
      throw new ConnectError("UpdateOrder is not built yet", Code.Unimplemented);
    },
    // eslint-disable-next-line require-yield
    async *watchOrder() {
      throw new ConnectError("WatchOrder is not built yet", Code.Unimplemented);
    },
  };
}
