import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import type { UniversalHandler, UniversalServerRequest, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, endStreamFlag, endStreamFromJson, endStreamToJson, errorFromJsonBytes, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { acceptRequestId, REQUEST_ID_HEADER } from "../observability/request-context.js";
import { rpcError } from "./errors.js";

// Connect decodes a unary request before any interceptor runs, so what goes
// wrong there (bytes that are not the message, a bad envelope, an unknown
// compression, a message over the size limit) leaves without our ErrorDetail
// and without a request id, and an undecodable binary message is even
// answered INTERNAL. This wraps every handler and gives those answers the
// shape of all others, in each protocol: INVALID_ARGUMENT for a request we
// cannot decode, the code kept otherwise, an ErrorDetail and an x-request-id.
// Errors that already carry an ErrorDetail (every error of ours) pass as they are.

const RESPONSE_SIDE = /^(serialize |message size \d+ is larger than configured writeMaxBytes)/;
const GRPC_STATUS_KEYS = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

/** `routes` with every handler it registers wrapped as described above. */
export function withProtocolErrorDetails(routes: (router: ConnectRouter) => void): (router: ConnectRouter) => void {
  return (router) => {
    routes(router);
    const handlers = router.handlers as UniversalHandler[];
    for (const [i, handler] of handlers.entries()) handlers[i] = Object.assign(wrap(handler), handler);
  };
}

/**
 * A server stream reads its request inside the interceptors: whatever goes
 * wrong reading it is the request's fault, answered like a unary one.
 */
export function requestDecodeInterceptor(): Interceptor {
  return (next) => async (req) => (req.stream ? next({ ...req, message: decoded(req.message) }) : next(req));
}

async function* decoded<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    const error = ConnectError.from(err);
    throw normalised(error) ?? error;
  }
}

/** The error with our ErrorDetail, or undefined when it already has one. */
function normalised(err: ConnectError, requestId?: string): ConnectError | undefined {
  if (err.details.some((d) => ("desc" in d ? d.desc.typeName : d.type) === ErrorDetailSchema.typeName)) return undefined;
  const decoding = err.code === Code.Internal && !RESPONSE_SIDE.test(err.rawMessage);
  const code = decoding ? Code.InvalidArgument : err.code;
  const out = rpcError(code, decoding ? `invalid request: ${err.rawMessage}` : err.rawMessage, {
    reason: code === Code.Internal ? ErrorReason.INTERNAL : code === Code.Unimplemented ? ErrorReason.NOT_IMPLEMENTED : ErrorReason.INVALID_FIELD,
    retryable: false,
  });
  if (requestId !== undefined) out.metadata.set(REQUEST_ID_HEADER, requestId);
  return out;
}

function wrap(handler: UniversalHandler): (req: UniversalServerRequest) => Promise<UniversalServerResponse> {
  return async (req) => {
    const res = await handler(req);
    const type = res.header?.get("content-type") ?? "";
    const requestId = acceptRequestId(req.header.get(REQUEST_ID_HEADER));
    if (res.body === undefined || res.header?.has("content-encoding")) return res;
    if (/^application\/grpc-web/.test(type)) return { ...res, body: mapChunks(res.body, (chunk) => grpcWebTrailer(chunk, requestId)) };
    if (/^application\/grpc/.test(type)) return { ...res, body: thenFixTrailer(res.body, res, requestId) };
    if (/^application\/connect\+/.test(type)) return { ...res, body: mapChunks(res.body, (chunk) => connectEndStream(chunk, requestId)) };
    if (res.status !== 200 && /^application\/json/.test(type)) return connectUnaryError(res, requestId);
    return res;
  };
}

/** gRPC: the status is in the trailers, complete once the body is. */
async function* thenFixTrailer(body: AsyncIterable<Uint8Array>, res: UniversalServerResponse, requestId: string): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } finally {
    const trailer = res.trailer;
    const err = trailer && findTrailerError(trailer);
    const fixed = err && normalised(err, requestId);
    if (trailer && fixed) {
      for (const key of GRPC_STATUS_KEYS) trailer.delete(key);
      setTrailerStatus(trailer, fixed);
    }
  }
}

async function* mapChunks(body: AsyncIterable<Uint8Array>, map: (chunk: Uint8Array) => Uint8Array): AsyncIterable<Uint8Array> {
  for await (const chunk of body) yield map(chunk);
}

function envelope(flags: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + data.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, data.byteLength);
  out.set(data, 5);
  return out;
}

/** An uncompressed envelope with exactly `flag` among its flags, whole in this chunk. */
function envelopeData(chunk: Uint8Array, flag: number): Uint8Array | undefined {
  if (chunk.byteLength < 5 || chunk[0] !== flag) return undefined;
  const length = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength).getUint32(1);
  return chunk.byteLength === 5 + length ? chunk.subarray(5) : undefined;
}

/** gRPC-Web: the trailers travel as the body's last envelope. */
function grpcWebTrailer(chunk: Uint8Array, requestId: string): Uint8Array {
  const data = envelopeData(chunk, trailerFlag);
  if (data === undefined) return chunk;
  const trailer = trailerParse(data);
  const err = findTrailerError(trailer);
  const fixed = err && normalised(err, requestId);
  if (!fixed) return chunk;
  for (const key of GRPC_STATUS_KEYS) trailer.delete(key);
  return envelope(trailerFlag, trailerSerialize(setTrailerStatus(trailer, fixed)));
}

/** Connect streaming: the error is in the end-of-stream envelope. */
function connectEndStream(chunk: Uint8Array, requestId: string): Uint8Array {
  const data = envelopeData(chunk, endStreamFlag);
  if (data === undefined) return chunk;
  const end = endStreamFromJson(data);
  const fixed = end.error && normalised(end.error, requestId);
  if (!fixed) return chunk;
  return envelope(endStreamFlag, new TextEncoder().encode(JSON.stringify(endStreamToJson(end.metadata, fixed, undefined))));
}

/** Connect unary: the error is the JSON body, its code the HTTP status. */
async function connectUnaryError(res: UniversalServerResponse, requestId: string): Promise<UniversalServerResponse> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of res.body!) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  let fixed: ConnectError | undefined;
  try {
    fixed = normalised(errorFromJsonBytes(bytes, undefined, new ConnectError("", Code.Unknown)), requestId);
  } catch {
    fixed = undefined;
  }
  if (!fixed) return { ...res, body: (async function* () { yield bytes; })() };
  const body = errorToJsonBytes(fixed, {});
  const header = new Headers(res.header);
  header.set("content-length", String(body.byteLength));
  fixed.metadata.forEach((value, key) => header.set(key, value));
  return { ...res, status: codeToHttpStatus(fixed.code), header, body: (async function* () { yield body; })() };
}
