import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { PaymentEvent } from "@payments/proto/payments/v1/events_pb";
import type { StreamPaymentEventsRequestSchema, StreamPaymentEventsResponse } from "@payments/proto/payments/v1/webhook_service_pb";
import { backoffMs, sleep } from "./backoff.js";
import { errorDetail, isResumable } from "./errors.js";

// StreamPaymentEvents that outlives its streams: every stream ends some day
// (the server's stream lifetime, a deploy, a lost connection), and this opens
// the next one after the last event it delivered.

export type StreamPaymentEventsRequestInit = MessageInitShape<typeof StreamPaymentEventsRequestSchema>;

/** What the helper needs of a client: createPaymentsClient's and createGrpcJsPaymentsClient's both fit. */
export interface PaymentEventsClient {
  webhook: {
    streamPaymentEvents(request: StreamPaymentEventsRequestInit, options?: { signal?: AbortSignal }): AsyncIterable<StreamPaymentEventsResponse>;
  };
}

export interface ResumeOptions {
  /** Stops the stream, or the wait for the next one; the iteration then throws CANCELED. */
  signal?: AbortSignal;
  /** Reopenings in a row, after errors and with no message between them, before the last error is thrown. Default 10; Infinity = until aborted. */
  maxAttempts?: number;
  /** First backoff; each next one doubles, with full jitter. Default 250 ms. */
  initialBackoffMs?: number;
  /** Cap for one backoff. Default 10 000 ms. */
  maxBackoffMs?: number;
}

/**
 * The events of StreamPaymentEvents, across as many streams as it takes.
 * When a stream ends cleanly (the server's stream lifetime) or with an error
 * isResumable accepts, the next one starts after the cursor of the last event
 * yielded (or of the last heartbeat, which is past it), after a capped
 * exponential backoff with full jitter (at least the error's retry_after).
 * Any other error is thrown, and so is the last one once `maxAttempts`
 * reopenings in a row failed. An event is yielded once, in cursor order; it
 * may come again only if your process restarts from an older cursor, so
 * persist `event.cursor` once you have processed an event, and deduplicate on
 * `event_id`.
 *
 * A `fromNow` request is reopened with `fromNow` until the first event or
 * heartbeat gives a cursor: events recorded while no stream was open before
 * then are missed. Start with `afterCursor` to miss nothing.
 */
export async function* resumablePaymentEvents(
  client: PaymentEventsClient,
  request: StreamPaymentEventsRequestInit,
  options: ResumeOptions = {},
): AsyncGenerator<PaymentEvent, never> {
  const { signal, maxAttempts = 10, initialBackoffMs = 250, maxBackoffMs = 10_000 } = options;
  let start: NonNullable<StreamPaymentEventsRequestInit["start"]> = request.start ?? { case: undefined };
  let failures = 0;
  for (;;) {
    let delayMs: number;
    try {
      for await (const { message } of client.webhook.streamPaymentEvents({ ...request, start }, { signal })) {
        failures = 0;
        if (message.case === "event") {
          start = { case: "afterCursor", value: message.value.cursor };
          yield message.value;
        } else if (message.case === "heartbeat") {
          start = { case: "afterCursor", value: message.value.cursor };
        }
      }
      // The server ended the stream: reopen soon, not all consumers at once.
      delayMs = backoffMs(1, initialBackoffMs, maxBackoffMs);
    } catch (err) {
      if (signal?.aborted || !isResumable(err) || failures >= maxAttempts) throw err;
      failures++;
      delayMs = Math.max(backoffMs(failures, initialBackoffMs, maxBackoffMs), durationMs(errorDetail(err)?.retryAfter));
    }
    if (!(await sleep(delayMs, signal))) throw ConnectError.from(signal?.reason, Code.Canceled);
  }
}

function durationMs(duration: Duration | undefined): number {
  return duration ? Number(duration.seconds) * 1_000 + duration.nanos / 1e6 : 0;
}
