import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { bearerTokenInterceptor, retryInterceptor, type RetryOptions } from "./interceptors.js";
import { SERVICES } from "./services.js";

export interface PaymentsClientOptions {
  /** e.g. "http://127.0.0.1:50051". */
  baseUrl: string;
  /** "grpc" (HTTP/2, for backend services) or "connect" (JSON over HTTP/1.1, curl-friendly). */
  transport: "grpc" | "connect";
  /** Service token, sent as `authorization: Bearer …`. */
  token?: string;
  /**
   * Deadline for unary calls that set none. Default 10 000 ms. Server streams
   * (WatchOrder, StreamPaymentEvents) get none: they stay open until the
   * caller stops them or sets `timeoutMs` / `signal` on the call.
   */
  timeoutMs?: number;
  /** Retry policy for reads and idempotent writes; `false` disables retries. */
  retry?: RetryOptions | false;
  /** Extra interceptors, run inside auth and retry (once per attempt). */
  interceptors?: Interceptor[];
}

export type PaymentsClient = { [K in keyof typeof SERVICES]: Client<(typeof SERVICES)[K]> };

/** Typed clients for the four payments.v1 services over one connection. */
export function createPaymentsClient(options: PaymentsClientOptions): PaymentsClient {
  const interceptors: Interceptor[] = [];
  if (options.retry !== false) interceptors.push(retryInterceptor(options.retry));
  if (options.token !== undefined) interceptors.push(bearerTokenInterceptor(options.token));
  interceptors.push(...(options.interceptors ?? []));
  const common = { baseUrl: options.baseUrl, interceptors };
  const transport = withUnaryDeadline(
    options.transport === "grpc" ? createGrpcTransport(common) : createConnectTransport({ ...common, httpVersion: "1.1", useBinaryFormat: false }),
    options.timeoutMs ?? 10_000,
  );
  return {
    payload: createClient(SERVICES.payload, transport),
    order: createClient(SERVICES.order, transport),
    mandate: createClient(SERVICES.mandate, transport),
    webhook: createClient(SERVICES.webhook, transport),
  };
}

/**
 * The default deadline for unary calls only. Connect's own `defaultTimeoutMs`
 * would also end every server stream after it, with DEADLINE_EXCEEDED.
 */
function withUnaryDeadline(transport: Transport, defaultTimeoutMs: number): Transport {
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) => transport.unary(method, signal, timeoutMs ?? defaultTimeoutMs, header, input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) => transport.stream(method, signal, timeoutMs, header, input, contextValues),
  };
}
