import { fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { GetOrderStatusRequestSchema, GetOrderStatusResponseSchema, type GetOrderStatusRequest, type GetOrderStatusResponse } from "@payments/proto/payments/v1/order_service_pb";
import { METHOD_OF_PLAN } from "../load/request-plans.js";
import { readResponseArgument } from "./bare-server-args.js";

// Baseline (a): the least a real @grpc/grpc-js server does for
// GetOrderStatus: decode the request with protobuf-es, answer a message held
// in memory (the service's real answer for one order), encode it. No
// interceptors, no database. Prints `listening on <port>` once bound.

const response = fromBinary(GetOrderStatusResponseSchema, readResponseArgument());

const server = new grpc.Server();
server.addService(
  {
    GetOrderStatus: {
      path: METHOD_OF_PLAN["get-order-status"],
      requestStream: false,
      responseStream: false,
      requestSerialize: (message: GetOrderStatusRequest) => Buffer.from(toBinary(GetOrderStatusRequestSchema, message)),
      requestDeserialize: (bytes: Buffer) => fromBinary(GetOrderStatusRequestSchema, bytes),
      responseSerialize: (message: GetOrderStatusResponse) => Buffer.from(toBinary(GetOrderStatusResponseSchema, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(GetOrderStatusResponseSchema, bytes),
    },
  },
  {
    GetOrderStatus: (_call: grpc.ServerUnaryCall<GetOrderStatusRequest, GetOrderStatusResponse>, callback: grpc.sendUnaryData<GetOrderStatusResponse>) => callback(null, response),
  },
);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err !== null) {
    process.stderr.write(`bind failed: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`listening on ${port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
