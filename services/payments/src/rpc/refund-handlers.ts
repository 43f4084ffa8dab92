import { Code, ConnectError } from "@connectrpc/connect";
import type { ServiceImpl } from "@connectrpc/connect";
import type { OrderService } from "@payments/proto/payments/v1/order_service_pb";
import type { AppContext } from "../app/context.js";

// PLACEHOLDER: replaced by the refunds work (issue 5).
export function refundHandlers(_app: AppContext): Pick<ServiceImpl<typeof OrderService>, "refundOrder" | "getRefund" | "listRefunds"> {
  const missing = () => {
    throw new ConnectError("not built yet", Code.Unimplemented);
  };
  return { refundOrder: missing, getRefund: missing, listRefunds: missing };
}
