import { toBinary } from "@bufbuild/protobuf";
import { MandateSchema, PreDebitNotificationSchema } from "@payments/proto/payments/v1/mandate_pb";
import { OrderSchema, RefundSchema } from "@payments/proto/payments/v1/order_pb";
import type { EventSubjectEncoder } from "../app/events/payment-events.js";
import { mandateToProto, notificationToProto } from "./mandate-proto.js";
import { orderToProto, refundToProto } from "./order-proto.js";

/** Payment events carry their subject as the payments.v1 message, frozen when the event happened. */
export const eventSubjectEncoder: EventSubjectEncoder = {
  order: (order, refunds) => toBinary(OrderSchema, orderToProto(order, refunds)),
  refund: (refund) => toBinary(RefundSchema, refundToProto(refund)),
  mandate: (mandate) => toBinary(MandateSchema, mandateToProto(mandate)),
  notification: (notification) => toBinary(PreDebitNotificationSchema, notificationToProto(notification)),
};
