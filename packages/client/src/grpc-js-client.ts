import { create, fromBinary, toBinary, type DescMethod, type DescService, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { connectErrorFromGrpcJs } from "./errors.js";
import { SERVICES } from "./services.js";

// A plain @grpc/grpc-js client built from the same generated descriptors, for
// services that already run grpc-js. Messages are encoded with
// @bufbuild/protobuf, so they are the same typed objects the Connect client
// uses. Errors are turned into ConnectError (with the ErrorDetail decoded).

/** A grpc-js service definition for a protobuf-es service descriptor. */
export function grpcJsServiceDefinition(service: DescService): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: (message: unknown) => Buffer.from(toBinary(method.input, message as MessageShape<typeof method.input>)),
      requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
      responseSerialize: (message: unknown) => Buffer.from(toBinary(method.output, message as MessageShape<typeof method.output>)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
  }
  return definition as grpc.ServiceDefinition;
}

export interface CallOptions {
  /** This call's deadline; unary calls default to the client's `timeoutMs`, server streams to none. */
  timeoutMs?: number;
  /** Cancels the call: it then fails with CANCELED. */
  signal?: AbortSignal;
  metadata?: grpc.Metadata;
}

type Method<M extends DescMethod> = M extends { methodKind: "unary" }
  ? (request: MessageInitShape<M["input"]>, options?: CallOptions) => Promise<MessageShape<M["output"]>>
  : M extends { methodKind: "server_streaming" }
    ? (request: MessageInitShape<M["input"]>, options?: CallOptions) => AsyncIterable<MessageShape<M["output"]>>
    : never;

/** Promise and async-iterable methods, plus the underlying grpc-js client. */
export type GrpcJsServiceClient<S extends DescService> = {
  [K in keyof S["method"]]: Method<S["method"][K]>;
} & { readonly grpc: grpc.Client };

export interface GrpcJsClientOptions {
  /** "host:port", e.g. "127.0.0.1:50051". */
  address: string;
  /** Default: insecure (plaintext h2c). */
  credentials?: grpc.ChannelCredentials;
  token?: string;
  /** Deadline for unary calls that set none. Default 10 000 ms. Server streams get none unless the call sets one. */
  timeoutMs?: number;
  channelOptions?: grpc.ChannelOptions;
}

export type GrpcJsPaymentsClient = { [K in keyof typeof SERVICES]: GrpcJsServiceClient<(typeof SERVICES)[K]> } & {
  close(): void;
};

export function createGrpcJsPaymentsClient(options: GrpcJsClientOptions): GrpcJsPaymentsClient {
  const credentials = options.credentials ?? grpc.credentials.createInsecure();
  const first = createGrpcJsServiceClient(SERVICES.payload, options, credentials);
  // The other clients share the first one's channel (one connection).
  const shared = { ...options, channelOverride: first.grpc.getChannel() };
  const clients = {
    payload: first,
    order: createGrpcJsServiceClient(SERVICES.order, shared, credentials),
    mandate: createGrpcJsServiceClient(SERVICES.mandate, shared, credentials),
    webhook: createGrpcJsServiceClient(SERVICES.webhook, shared, credentials),
  };
  return { ...clients, close: () => first.grpc.close() };
}

export function createGrpcJsServiceClient<S extends DescService>(
  service: S,
  options: GrpcJsClientOptions & { channelOverride?: ReturnType<grpc.Client["getChannel"]> },
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
): GrpcJsServiceClient<S> {
  const Ctor = grpc.makeGenericClientConstructor(grpcJsServiceDefinition(service), service.name);
  const channelOptions: grpc.ClientOptions = { ...options.channelOptions };
  if (options.channelOverride) channelOptions.channelOverride = options.channelOverride;
  const client = new Ctor(options.address, credentials, channelOptions);
  const callArgs = (callOptions: CallOptions, defaultTimeoutMs: number | undefined) => {
    const metadata = callOptions.metadata?.clone() ?? new grpc.Metadata();
    if (options.token !== undefined) metadata.set("authorization", `Bearer ${options.token}`);
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeoutMs;
    return { metadata, deadline: timeoutMs === undefined ? Infinity : Date.now() + timeoutMs };
  };
  const methods: Record<string, unknown> = { grpc: client };
  for (const method of service.methods) {
    const path = `/${service.typeName}/${method.name}`;
    const serialize = (init: MessageInitShape<typeof method.input>) => Buffer.from(toBinary(method.input, create(method.input, init)));
    const deserialize = (bytes: Buffer) => fromBinary(method.output, bytes);
    if (method.methodKind === "unary") {
      methods[method.localName] = (request: MessageInitShape<typeof method.input>, callOptions: CallOptions = {}) => {
        const { metadata, deadline } = callArgs(callOptions, options.timeoutMs ?? 10_000);
        return new Promise((resolve, reject) => {
          const call = client.makeUnaryRequest(path, serialize, deserialize, request, metadata, { deadline }, (err, response) => {
            if (err) reject(connectErrorFromGrpcJs(err));
            else resolve(response);
          });
          cancelOnAbort(call, callOptions.signal);
        });
      };
    } else if (method.methodKind === "server_streaming") {
      methods[method.localName] = (request: MessageInitShape<typeof method.input>, callOptions: CallOptions = {}) => {
        // No default deadline: a stream stays open until the caller stops it.
        const { metadata, deadline } = callArgs(callOptions, undefined);
        const stream = client.makeServerStreamRequest(path, serialize, deserialize, request, metadata, { deadline });
        cancelOnAbort(stream, callOptions.signal);
        return translateErrors(stream);
      };
    }
  }
  return methods as GrpcJsServiceClient<S>;
}

function cancelOnAbort(call: grpc.ClientUnaryCall | grpc.ClientReadableStream<unknown>, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) return call.cancel();
  const cancel = () => call.cancel();
  signal.addEventListener("abort", cancel, { once: true });
  call.once("status", () => signal.removeEventListener("abort", cancel));
}

async function* translateErrors<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (err) {
    throw typeof (err as grpc.ServiceError).code === "number" ? connectErrorFromGrpcJs(err as grpc.ServiceError) : err;
  }
}
