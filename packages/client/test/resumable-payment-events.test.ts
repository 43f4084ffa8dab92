import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema, ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { StreamPaymentEventsResponseSchema, type StreamPaymentEventsResponse } from "@payments/proto/payments/v1/webhook_service_pb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resumablePaymentEvents, type PaymentEventsClient, type StreamPaymentEventsRequestInit } from "../src/index.js";

// resumablePaymentEvents against a scripted client: each stream it opens
// plays the next script (messages, then an end or an error). Against the real
// service: services/payments/test/client/client-streams.test.ts.

type Step = bigint | { heartbeat: bigint } | Error;

const event = (cursor: bigint) => create(StreamPaymentEventsResponseSchema, { message: { case: "event", value: { cursor, eventId: `e${cursor}` } } });
const heartbeat = (cursor: bigint) => create(StreamPaymentEventsResponseSchema, { message: { case: "heartbeat", value: { cursor } } });
const cut = () => new ConnectError("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled);

/** A client whose n-th stream plays scripts[n] (a stream past the scripts waits until aborted); records every request. */
function scripted(scripts: Step[][]) {
  const requests: StreamPaymentEventsRequestInit[] = [];
  const client: PaymentEventsClient = {
    webhook: {
      async *streamPaymentEvents(request, options): AsyncGenerator<StreamPaymentEventsResponse> {
        const script = scripts[requests.length];
        requests.push(request);
        if (!script) {
          await new Promise((_, reject) => options?.signal?.addEventListener("abort", () => reject(new ConnectError("aborted", Code.Canceled))));
          return;
        }
        for (const step of script) {
          if (step instanceof Error) throw step;
          yield typeof step === "bigint" ? event(step) : heartbeat(step.heartbeat);
        }
      },
    },
  };
  return { client, requests };
}

async function take(events: AsyncIterable<{ cursor: bigint }>, count: number): Promise<bigint[]> {
  const cursors: bigint[] = [];
  for await (const e of events) {
    cursors.push(e.cursor);
    if (cursors.length === count) break;
  }
  return cursors;
}

const fast = { initialBackoffMs: 1, maxBackoffMs: 2 };

afterEach(() => {
  vi.useRealTimers();
});

describe("resumablePaymentEvents", () => {
  it("reopens after clean ends and resumable errors from the last cursor delivered, each event once", async () => {
    const { client, requests } = scripted([[1n, 2n, cut()], [3n], [{ heartbeat: 9n }, cut()], [10n, 11n]]);
    expect(await take(resumablePaymentEvents(client, { start: { case: "afterCursor", value: 0n }, types: [1] }, fast), 5)).toEqual([1n, 2n, 3n, 10n, 11n]);
    expect(requests.map((r) => r.start)).toEqual([0n, 2n, 3n, 9n].map((value) => ({ case: "afterCursor", value })));
    // The request's other fields go with every reopening.
    expect(requests.every((r) => r.types?.[0] === 1)).toBe(true);
  });

  it("keeps a fromNow start until a message gives a cursor", async () => {
    const { client, requests } = scripted([[cut()], [4n]]);
    expect(await take(resumablePaymentEvents(client, { start: { case: "fromNow", value: true } }, fast), 1)).toEqual([4n]);
    expect(requests.map((r) => r.start?.case)).toEqual(["fromNow", "fromNow"]);
  });

  it("throws an error a new stream would meet again, without reopening", async () => {
    const denied = new ConnectError("no", Code.PermissionDenied, undefined, [
      { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { reason: ErrorReason.PERMISSION_DENIED }) },
    ]);
    const { client, requests } = scripted([[1n, denied]]);
    const seen: bigint[] = [];
    await expect(
      (async () => {
        for await (const e of resumablePaymentEvents(client, {}, fast)) seen.push(e.cursor);
      })(),
    ).rejects.toBe(denied);
    expect(seen).toEqual([1n]);
    expect(requests).toHaveLength(1);
  });

  it("gives up after maxAttempts reopenings in a row that failed, counting again after a message", async () => {
    const last = cut();
    const { client, requests } = scripted([[cut()], [cut()], [1n, cut()], [cut()], [last]]);
    const seen: bigint[] = [];
    await expect(
      (async () => {
        for await (const e of resumablePaymentEvents(client, {}, { ...fast, maxAttempts: 2 })) seen.push(e.cursor);
      })(),
    ).rejects.toBe(last);
    expect(seen).toEqual([1n]);
    expect(requests).toHaveLength(5);
  });

  it("waits at least the error's retry_after before reopening", async () => {
    vi.useFakeTimers();
    const overloaded = new ConnectError("busy", Code.ResourceExhausted, undefined, [
      { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { reason: ErrorReason.OVERLOADED, retryable: true, retryAfter: { seconds: 60n } }) },
    ]);
    const { client, requests } = scripted([[overloaded], [1n]]);
    const first = resumablePaymentEvents(client, {}, fast)[Symbol.asyncIterator]().next();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await first).value).toMatchObject({ cursor: 1n });
    expect(requests).toHaveLength(2);
  });

  it("ends with CANCELED when the caller aborts, while a stream is open or between two", async () => {
    const open = scripted([[1n]]);
    const controller = new AbortController();
    const seen: bigint[] = [];
    const whileOpen = (async () => {
      for await (const e of resumablePaymentEvents(open.client, {}, { signal: controller.signal })) {
        seen.push(e.cursor);
        controller.abort();
      }
    })();
    await expect(whileOpen).rejects.toMatchObject({ code: Code.Canceled });
    expect(seen).toEqual([1n]);
    expect(open.requests).toHaveLength(1);

    vi.useFakeTimers();
    const between = scripted([[cut()]]);
    const waiting = new AbortController();
    const next = resumablePaymentEvents(between.client, {}, { signal: waiting.signal, initialBackoffMs: 60_000, maxBackoffMs: 60_000 })[Symbol.asyncIterator]().next();
    await vi.advanceTimersByTimeAsync(0);
    waiting.abort();
    await expect(next).rejects.toMatchObject({ code: Code.Canceled });
    expect(between.requests).toHaveLength(1);
  });
});
