import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Udfs } from "@payments/proto/payments/v1/order_pb";
import {
  GetOrderStatusResponseSchema,
  UpdateOrderRequestSchema,
  UpdateOrderResponseSchema,
  WatchOrderResponseSchema,
  type OrderService,
} from "@payments/proto/payments/v1/order_service_pb";
import type { AppContext } from "../app/context.js";
import { claimKey, completeKey, releaseKey, scopeOf } from "../app/idempotency.js";
import { getOrderStatus } from "../app/orders/get-order-status.js";
import type { OrderChangeFeed } from "../app/orders/order-change-feed.js";
import { updateOrder } from "../app/orders/update-order.js";
import { watchOrder } from "../app/orders/watch-order.js";
import type { UdfMap } from "../db/schema.js";
import { requestHash } from "../domain/request-hash.js";
import { budgetOf, keyOwnerOf } from "./call-context.js";
import { ensureOrderVisible } from "./customer-scope.js";
import { orderToProto, staleness } from "./order-proto.js";
import { refundHandlers } from "./refund-handlers.js";

// OrderService: thin handlers from proto to the use cases and back. Requests
// arrive validated (field rules); errors are mapped by rpc/error-map.ts.

export function orderService(app: AppContext, changeFeed: OrderChangeFeed): ServiceImpl<typeof OrderService> {
  return {
    async getOrderStatus(req, ctx) {
      await ensureOrderVisible(app, ctx, req.orderId);
      const result = await getOrderStatus(app, req.orderId, budgetOf(ctx));
      return create(GetOrderStatusResponseSchema, {
        order: orderToProto(result.order, result.refunds),
        ...staleness(result.stale),
      });
    },
    ...refundHandlers(app),
    async updateOrder(req, ctx) {
      const ref = { scope: scopeOf(keyOwnerOf(ctx), "UpdateOrder"), key: req.idempotencyKey };
      const claim = await claimKey(app.db, ref, requestHash(UpdateOrderRequestSchema, req), app.settings.idempotencyLockMs);
      if (claim.kind === "completed" && claim.response !== null) return fromBinary(UpdateOrderResponseSchema, claim.response);
      try {
        const amount = req.amount === undefined ? undefined : { minor: req.amount.amountMinor, currency: req.amount.currency };
        const state = await updateOrder(app, { orderId: req.orderId, amount, udfs: udfMap(req.udfs) }, budgetOf(ctx));
        const response = create(UpdateOrderResponseSchema, { order: orderToProto(state.order, state.refunds) });
        await completeKey(app.db, ref, toBinary(UpdateOrderResponseSchema, response), state.order.order_id);
        return response;
      } catch (err) {
        // Setting values is repeatable: a retry with the same key may simply run again.
        await releaseKey(app.db, ref);
        throw err;
      }
    },
    async *watchOrder(req, ctx) {
      await ensureOrderVisible(app, ctx, req.orderId);
      for await (const state of watchOrder(app, changeFeed, req.orderId, ctx.signal)) {
        yield create(WatchOrderResponseSchema, { order: orderToProto(state.order, state.refunds) });
      }
    },
  };
}

function udfMap(udfs: Udfs | undefined): UdfMap {
  const map: UdfMap = {};
  if (udfs === undefined) return map;
  for (let i = 1; i <= 10; i++) {
    const name = `udf${i}` as keyof UdfMap;
    const value = udfs[name];
    if (value !== undefined) map[name] = value;
  }
  return map;
}
