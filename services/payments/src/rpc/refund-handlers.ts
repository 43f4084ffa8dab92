import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetRefundResponseSchema,
  ListRefundsResponseSchema,
  RefundOrderRequestSchema,
  RefundOrderResponseSchema,
  type OrderService,
} from "@payments/proto/payments/v1/order_service_pb";
import type { AppContext } from "../app/context.js";
import { getRefund } from "../app/refunds/get-refund.js";
import { listRefunds } from "../app/refunds/list-refunds.js";
import { refundOrder } from "../app/refunds/refund-order.js";
import { requestHash } from "../domain/request-hash.js";
import { budgetOf, keyOwnerOf } from "./call-context.js";
import { ensureOrderVisible, ensureRefundVisible } from "./customer-scope.js";
import { refundToProto, staleness } from "./order-proto.js";

// RefundOrder, GetRefund and ListRefunds: proto in, use case, proto out.
// Requests arrive validated (field rules); errors are mapped by rpc/error-map.ts.

export function refundHandlers(app: AppContext): Pick<ServiceImpl<typeof OrderService>, "refundOrder" | "getRefund" | "listRefunds"> {
  return {
    async refundOrder(req, ctx) {
      // Validated as required; the fallback only satisfies the type.
      const amount = req.amount ?? { amountMinor: 0n, currency: "" };
      const result = await refundOrder(
        app,
        {
          caller: keyOwnerOf(ctx),
          idempotencyKey: req.idempotencyKey,
          orderId: req.orderId,
          amountMinor: amount.amountMinor,
          currency: amount.currency,
          reason: req.reason,
          requestHash: requestHash(RefundOrderRequestSchema, req),
        },
        budgetOf(ctx),
        (refund) => toBinary(RefundOrderResponseSchema, create(RefundOrderResponseSchema, { refund: refundToProto(refund) })),
      );
      if ("storedResponse" in result) return fromBinary(RefundOrderResponseSchema, result.storedResponse);
      return create(RefundOrderResponseSchema, { refund: refundToProto(result.refund) });
    },

    async getRefund(req, ctx) {
      const selector = req.selector;
      const by = selector.case === "uniqueRequestId" ? { uniqueRequestId: selector.value } : { refundId: selector.value ?? "" };
      await ensureRefundVisible(app, ctx, by);
      const view = await getRefund(app, by, budgetOf(ctx));
      return create(GetRefundResponseSchema, { refund: refundToProto(view.refund), ...staleness(view.stale) });
    },

    async listRefunds(req, ctx) {
      await ensureOrderVisible(app, ctx, req.orderId);
      const page = await listRefunds(app, req.orderId, req.pageSize, req.pageToken);
      return create(ListRefundsResponseSchema, { refunds: page.refunds.map(refundToProto), nextPageToken: page.nextPageToken });
    },
  };
}
