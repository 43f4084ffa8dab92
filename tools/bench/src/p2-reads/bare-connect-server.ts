import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { fromBinary } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { GetOrderStatusResponseSchema, OrderService } from "@payments/proto/payments/v1/order_service_pb";
import { readResponseArgument } from "./bare-server-args.js";

// Baseline (b): the least a connect-node server does for GetOrderStatus:
// connectNodeAdapter with a router implementing OrderService.getOrderStatus
// (the message held in memory: the service's real answer for one order) on
// a plaintext HTTP/2 server. No interceptors, no database, no protocol
// sniffer. Prints `listening on <port>` once bound.

const response = fromBinary(GetOrderStatusResponseSchema, readResponseArgument());

const handler = connectNodeAdapter({
  routes: (router) => router.service(OrderService, { getOrderStatus: () => response }),
});
const server = http2.createServer({}, handler);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
