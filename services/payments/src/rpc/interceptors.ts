import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { ConnectError} from "@connectrpc/connect";
import { Code, type Interceptor } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { Logger } from "../logger.js";
import { toConnectError } from "./error-map.js";
import { invalidArgument, rpcError, withErrorDetail } from "./errors.js";
import { findViolations } from "./field-rules.js";
import type { MessageRuleOptions } from "./message-rules.js";

/**
 * Outermost: every error leaves with an ErrorDetail. Use-case, Juspay and
 * database errors are mapped by rpc/error-map.ts (also when a server stream
 * fails midway); anything else is a bug, logged here and answered INTERNAL
 * without its message (which could carry internals).
 */
export function errorInterceptor(logger: Logger): Interceptor {
  const translate = (err: unknown, procedure: string): ConnectError => {
    const mapped = toConnectError(err);
    if (mapped !== undefined) return withErrorDetail(mapped);
    logger.error({ err, procedure }, "unhandled error in RPC handler");
    return rpcError(Code.Internal, "internal error", { reason: ErrorReason.INTERNAL, retryable: false });
  };
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: translated(res.message, (err) => translate(err, req.url)) };
    } catch (err) {
      throw translate(err, req.url);
    }
  };
}

async function* translated<T>(messages: AsyncIterable<T>, translate: (err: unknown) => ConnectError): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    throw translate(err);
  }
}

/**
 * Enforces the `(payments.v1.rules)` field options of payments.v1 requests,
 * and the Timestamp and Money rules (with the enabled currencies), before any
 * handler runs: a bad request is INVALID_ARGUMENT naming each offending field.
 */
export function validationInterceptor(options: MessageRuleOptions = {}): Interceptor {
  return (next) => async (req) => {
    if (!req.service.typeName.startsWith("payments.")) return next(req);
    if (!req.stream) {
      assertValid(req.method.input, req.message, options);
      return next(req);
    }
    // Server-streaming calls arrive as a stream of one request message: each
    // message is checked as it is read, which is before the handler runs.
    return next({ ...req, message: validated(req.method.input, req.message, options) });
  };
}

function assertValid(desc: DescMessage, message: Message, options: MessageRuleOptions): void {
  const violations = findViolations(desc, message, options);
  if (violations.length > 0) throw invalidArgument(violations);
}

async function* validated<T extends Message>(desc: DescMessage, messages: AsyncIterable<T>, options: MessageRuleOptions): AsyncIterable<T> {
  for await (const message of messages) {
    assertValid(desc, message, options);
    yield message;
  }
}
