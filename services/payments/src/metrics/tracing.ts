import type { Interceptor } from "@connectrpc/connect";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter } from "@opentelemetry/api";
import { codeName, codeOf, endObserved, OK, type GrpcCode } from "./rpc-outcome.js";

// OpenTelemetry spans around RPCs (server spans, continuing a caller's
// traceparent) and around each HTTP request to Juspay (client spans). Only
// @opentelemetry/api is used: until an operator registers an SDK (e.g.
// `node --import ./otel-setup.js dist/main.js`), every call here is the API's
// no-op and costs next to nothing, so tracing is off by default without a
// flag. Spans carry method names, endpoint templates and codes, never ids,
// bodies or error messages (log hygiene applies to traces too). Trace
// headers are not sent to Juspay: it is a third party.

const TRACER_NAME = "@payments/service";

// Codes that mean the server failed (OpenTelemetry's RPC conventions); the others are the caller's doing.
const SERVER_ERROR_CODES = new Set(["UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"]);

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

function tracer() {
  // Asked each time: an SDK registered after start-up is still picked up.
  return trace.getTracer(TRACER_NAME);
}

/** A server span per RPC, ended with the final gRPC code (place it outside the error interceptor). */
export function rpcTracingInterceptor(): Interceptor {
  return (next) => async (req) => {
    const parent = propagation.extract(context.active(), req.header, headerGetter);
    const span = tracer().startSpan(
      `${req.service.typeName}/${req.method.name}`,
      { kind: SpanKind.SERVER, attributes: { "rpc.system": "grpc", "rpc.service": req.service.typeName, "rpc.method": req.method.name } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const end = (code: GrpcCode) => {
      span.setAttribute("rpc.grpc.status_code", code);
      const name = codeName(code);
      if (SERVER_ERROR_CODES.has(name)) span.setStatus({ code: SpanStatusCode.ERROR, message: name });
      span.end();
    };
    let res;
    try {
      res = await context.with(active, () => next(req));
    } catch (err) {
      end(codeOf(err));
      throw err;
    }
    if (!res.stream) {
      end(OK);
      return res;
    }
    // The handler's stream runs as it is read: each read runs in the span's context.
    return { ...res, message: endObserved(res.message, end, (pull) => context.with(active, pull)) };
  };
}

export interface ClientSpan {
  /** The context to run the request in (the span is its active span). */
  readonly context: Context;
  end(outcome: string, httpStatus?: number): void;
}

/** A client span for one HTTP request to Juspay, named by its endpoint template. */
export function startJuspaySpan(endpoint: string, method: string, url: string): ClientSpan {
  let host = "";
  try {
    host = new URL(url).host;
  } catch {
    // named by the endpoint alone
  }
  const span: Span = tracer().startSpan(`juspay ${endpoint}`, {
    kind: SpanKind.CLIENT,
    attributes: { "http.request.method": method, "url.template": endpoint, "server.address": host, "peer.service": "juspay" },
  });
  return {
    context: trace.setSpan(context.active(), span),
    end(outcome, httpStatus) {
      span.setAttribute("juspay.outcome", outcome);
      if (httpStatus !== undefined) span.setAttribute("http.response.status_code", httpStatus);
      if (outcome !== "success") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
  };
}
