export { createPaymentsClient, type PaymentsClient, type PaymentsClientOptions } from "./connect-client.js";
export {
  createGrpcJsPaymentsClient,
  createGrpcJsServiceClient,
  grpcJsServiceDefinition,
  type CallOptions,
  type GrpcJsClientOptions,
  type GrpcJsPaymentsClient,
  type GrpcJsServiceClient,
} from "./grpc-js-client.js";
export { bearerTokenInterceptor, retryInterceptor, type RetryOptions } from "./interceptors.js";
export { connectErrorFromGrpcJs, errorDetail, errorReason, isResumable, isRetryable } from "./errors.js";
export {
  resumablePaymentEvents,
  type PaymentEventsClient,
  type ResumeOptions,
  type StreamPaymentEventsRequestInit,
} from "./resumable-payment-events.js";
export { SERVICES, type ServiceName } from "./services.js";
