import { toBinary } from "@bufbuild/protobuf";
import { OrderSchema, RefundSchema } from "@payments/proto/payments/v1/order_pb";
import type { EventSubjectEncoder } from "../app/events/payment-events.js";
import { orderToProto, refundToProto } from "./order-proto.js";

/** Payment events carry their subject as the payments.v1 message, frozen when the event happened. */
export const eventSubjectEncoder: EventSubjectEncoder = {
  order: (order, refunds) => toBinary(OrderSchema, orderToProto(order, refunds)),
  refund: (refund) => toBinary(RefundSchema, refundToProto(refund)),
};
