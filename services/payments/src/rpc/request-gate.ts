import { ConnectError, type HandlerContext } from "@connectrpc/connect";
import { authenticateCall, type AuthOptions } from "../auth/authenticate-call.js";
import { acceptRequestId, REQUEST_ID_HEADER } from "../observability/request-context.js";
import { REQUEST_ID } from "../observability/request-id-interceptor.js";
import type { Admission } from "./admission.js";
import { CALLER } from "./call-context.js";

// connect's request gate (ADR 0026) runs once a call's headers are in, before
// its body is read, decompressed or parsed. Every refusal that needs only the
// headers happens here, so a refused call costs no body: a full budget
// (before authentication, so a flood costs not even a token hash), then who
// is calling with which scope, and their quota, then the caller's share.
// The interceptors see only calls the gate let through.

export interface RequestGateOptions {
  admission: Admission;
  auth: AuthOptions;
  /** Told of each call the gate refused ("payments.v1.OrderService/GetOrderStatus", the error, seconds spent): the interceptors that count calls never see these. */
  onRefused?: (procedure: string, error: ConnectError, seconds: number) => void;
}

export function requestGate(options: RequestGateOptions): (context: HandlerContext) => void {
  return (context) => {
    const started = process.hrtime.bigint();
    const requestId = acceptRequestId(context.requestHeader.get(REQUEST_ID_HEADER));
    context.values.set(REQUEST_ID, requestId);
    try {
      options.admission.refuseIfFull(context.service, context.method);
      authenticateCall(options.auth, context);
      options.admission.refuseIfShareHeld(context.service, context.method, context.values.get(CALLER));
    } catch (err) {
      const error = ConnectError.from(err);
      error.metadata.set(REQUEST_ID_HEADER, requestId);
      options.onRefused?.(`${context.service.typeName}/${context.method.name}`, error, Number(process.hrtime.bigint() - started) / 1e9);
      throw error;
    }
  };
}
