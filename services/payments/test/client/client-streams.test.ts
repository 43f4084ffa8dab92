import { setTimeout as delay } from "node:timers/promises";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  createGrpcJsPaymentsClient,
  createPaymentsClient,
  isResumable,
  resumablePaymentEvents,
  type PaymentEventsClient,
} from "@payments/client";
import type { PaymentEvent } from "@payments/proto/payments/v1/events_pb";
import type { StreamPaymentEventsRequestSchema, StreamPaymentEventsResponse } from "@payments/proto/payments/v1/webhook_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendOrderEvent } from "../../src/app/events/payment-events.js";
import { sha256Hex, type Caller } from "../../src/auth/callers.js";
import { SCOPES } from "../../src/auth/scopes.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { createService, type ServiceParts } from "../../src/service.js";
import { captureLogs, type LogCapture } from "../helpers/log-capture.js";
import { DEFAULT_TEST_SETTINGS, eventually } from "../helpers/stack.js";
import { TEST_TOKEN, testAccess } from "../helpers/test-callers.js";
import { openTestDatabase, type TestDatabase } from "../helpers/test-database.js";

// Server streams through @payments/client against the real service on a real
// socket: no default deadline, how a stream's end is classified, and
// resumablePaymentEvents across the ends the server really produces (its
// stream lifetime, a restart on the same port).

/** A caller that may do everything but read payment events. */
const NO_EVENTS_TOKEN = "client-streams-no-events-0123456789";
const NO_EVENTS: Caller = {
  id: "no-events",
  scopes: new Set(SCOPES.filter((scope) => scope !== "events.read")),
  tokenSha256: [sha256Hex(NO_EVENTS_TOKEN)],
  customerScoped: false,
  rateLimit: { perSecond: 1_000, burst: 1_000 },
};

let database: TestDatabase;
let logs: LogCapture;
let service: ServiceParts;
/** Streams live an hour here: only the test ends them. */
let server: RunningServer;
/** Streams end (cleanly, with OK) after at most 300 ms here. */
let shortLived: RunningServer;

async function serve(port: number, maxStreamLifetimeMs: number): Promise<RunningServer> {
  return startServer({
    // A short grace: a shutdown waits it out for the open streams, then cuts them.
    config: { host: "127.0.0.1", port, shutdownGraceMs: 300, maxMessageBytes: 256 * 1024, access: testAccess([NO_EVENTS], { maxStreamLifetimeMs }) },
    database: database.database,
    logger: createLogger("info", logs.sink),
    app: service.app,
    changeFeed: service.changeFeed,
  });
}

beforeAll(async () => {
  database = await openTestDatabase();
  await migrateToLatest(database.database.db);
  logs = captureLogs({ source: "service", secrets: [{ label: "caller token", value: TEST_TOKEN }] });
  service = createService({
    config: {
      // No Juspay behind it (nothing listens on port 9): events are appended by the test.
      juspay: { baseUrl: "http://127.0.0.1:9", apiKey: "unused_key", merchantId: "unused", apiVersion: "2023-06-30", executionStatusPath: "/txns/v2/orders/{order_id}" },
      payments: DEFAULT_TEST_SETTINGS,
      jobs: { enabled: false, pollIntervalMs: 1_000, concurrency: 1 },
    },
    database: database.database,
    logger: createLogger("info", logs.sink),
  });
  server = await serve(0, 3_600_000);
  shortLived = await serve(0, 300);
});
afterAll(async () => {
  await server?.shutdown();
  await shortLived?.shutdown();
  await database?.drop();
  logs?.assertClean();
  logs?.close();
});

let orders = 0;
/** Appends one ORDER_CHARGED event per new order, through the service's outbox; returns the order ids in cursor order. */
async function appendEvents(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const orderId = `cstream${++orders}`;
    await service.app.db.transaction().execute(async (trx) => {
      const order = await trx
        .insertInto("orders")
        .values({ order_id: orderId, amount_minor: 10_000n, currency: "INR", customer_id: "cust1", status: "NEW", status_raw: "" })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendOrderEvent(trx, service.app.eventSubjects, "ORDER_CHARGED", order, []);
    });
    ids.push(orderId);
  }
  return ids;
}

async function newestCursor(): Promise<bigint> {
  const row = await service.app.db.selectFrom("payment_events").select(service.app.db.fn.max("cursor").as("max")).executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0n : BigInt(row.max);
}

const afterCursor = (value: bigint) => ({ case: "afterCursor" as const, value });
const FROM_NOW = { case: "fromNow" as const, value: true };

type Request = MessageInitShape<typeof StreamPaymentEventsRequestSchema>;
type Start = Request["start"];

/** The streaming side both clients share (the Connect client's call options are a superset). */
interface EventsCaller {
  webhook: {
    streamPaymentEvents(request: Request, options?: { timeoutMs?: number; signal?: AbortSignal }): AsyncIterable<StreamPaymentEventsResponse>;
  };
  close(): void;
}

const KINDS = ["grpc", "connect", "grpc-js"] as const;
type Kind = (typeof KINDS)[number];

function openClient(kind: Kind, target: RunningServer, options: { timeoutMs?: number; token?: string | null } = {}): EventsCaller {
  const address = `${target.address.host}:${target.address.port}`;
  const token = options.token === null ? undefined : (options.token ?? TEST_TOKEN);
  if (kind === "grpc-js") return createGrpcJsPaymentsClient({ address, token, timeoutMs: options.timeoutMs });
  return { ...createPaymentsClient({ baseUrl: `http://${address}`, transport: kind, token, timeoutMs: options.timeoutMs }), close: () => undefined };
}

/** The client, recording the start of every stream it opens. */
function recording(client: PaymentEventsClient, opened: Start[]): PaymentEventsClient {
  return {
    webhook: {
      streamPaymentEvents(request, options) {
        opened.push(request.start);
        return client.webhook.streamPaymentEvents(request, options);
      },
    },
  };
}

function orderIdOf(result: IteratorResult<StreamPaymentEventsResponse | PaymentEvent>): string {
  if (result.done) throw new Error("the stream ended");
  const event = "message" in result.value ? (result.value.message.case === "event" ? result.value.message.value : undefined) : result.value;
  if (!event) throw new Error("expected an event");
  return event.orderId;
}

async function drain(messages: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of messages) void _;
}

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectError);
    return err as ConnectError;
  }
  throw new Error("expected the stream to fail");
}

describe.each(KINDS)("server streams through the %s client", (kind) => {
  it("outlive the client's default deadline: it is for unary calls", async () => {
    const payments = openClient(kind, server, { timeoutMs: 200 });
    const stream = payments.webhook.streamPaymentEvents({ start: afterCursor(await newestCursor()) })[Symbol.asyncIterator]();
    try {
      const [first] = await appendEvents(1);
      expect(orderIdOf(await stream.next())).toBe(first);
      // Three default deadlines pass before the next event.
      await delay(600);
      const [second] = await appendEvents(1);
      expect(orderIdOf(await stream.next())).toBe(second);
    } finally {
      await stream.return?.();
      payments.close();
    }
  });

  it("still end at a deadline the call sets, and the end is resumable", async () => {
    const payments = openClient(kind, server, { timeoutMs: 60_000 });
    try {
      const err = await failure(drain(payments.webhook.streamPaymentEvents({ start: FROM_NOW }, { timeoutMs: 300 })));
      expect(err.code).toBe(Code.DeadlineExceeded);
      expect(isResumable(err)).toBe(true);
    } finally {
      payments.close();
    }
  });

  it("still end when the caller's signal aborts", async () => {
    const payments = openClient(kind, server);
    const controller = new AbortController();
    try {
      const [orderId] = await appendEvents(1);
      const stream = payments.webhook.streamPaymentEvents({ start: afterCursor((await newestCursor()) - 1n) }, { signal: controller.signal });
      const err = await failure(
        (async () => {
          for await (const message of stream) {
            expect(message.message.case === "event" && message.message.value.orderId).toBe(orderId);
            controller.abort();
          }
        })(),
      );
      expect(err.code).toBe(Code.Canceled);
    } finally {
      payments.close();
    }
  });

  it("end resumable when the server restarts; resumablePaymentEvents carries on after the last event, each event once, in order", async () => {
    const payments = openClient(kind, server);
    const controller = new AbortController();
    const opened: Start[] = [];
    try {
      const from = await newestCursor();
      const before = await appendEvents(3);
      const events = resumablePaymentEvents(recording(payments, opened), { start: afterCursor(from) }, { signal: controller.signal, initialBackoffMs: 50, maxBackoffMs: 200, maxAttempts: Infinity });
      const it = events[Symbol.asyncIterator]();
      const seen = [orderIdOf(await it.next()), orderIdOf(await it.next()), orderIdOf(await it.next())];
      // A plain stream, open (it delivered an event) when the server goes.
      const raw = payments.webhook.streamPaymentEvents({ start: afterCursor(from) })[Symbol.asyncIterator]();
      expect(orderIdOf(await raw.next())).toBe(before[0]);
      const rawEnd = failure(drain({ [Symbol.asyncIterator]: () => raw }));
      const pending = it.next();

      // Shutdown waits out its grace for the open streams, then cuts them. Events recorded while no server runs come after the restart.
      await server.shutdown();
      const after = await appendEvents(3);
      server = await serve(server.address.port, 3_600_000);

      expect(isResumable(await rawEnd)).toBe(true);
      seen.push(orderIdOf(await pending), orderIdOf(await it.next()), orderIdOf(await it.next()));
      expect(seen).toEqual([...before, ...after]);
      // Every reopening started after the last event delivered.
      const lastBefore = BigInt((await service.app.db.selectFrom("payment_events").select("cursor").where("order_id", "=", before[2]!).executeTakeFirstOrThrow()).cursor);
      expect(opened.length).toBeGreaterThan(1);
      expect(opened.slice(1)).toEqual(opened.slice(1).map(() => afterCursor(lastBefore)));

      controller.abort();
      expect((await failure(it.next())).code).toBe(Code.Canceled);
    } finally {
      controller.abort();
      payments.close();
    }
  });

  it("resumablePaymentEvents reopens each stream the server ends at its lifetime, with no event missed or repeated", async () => {
    const payments = openClient(kind, shortLived);
    const controller = new AbortController();
    const opened: Start[] = [];
    try {
      const events = resumablePaymentEvents(recording(payments, opened), { start: afterCursor(await newestCursor()) }, { signal: controller.signal, initialBackoffMs: 20 });
      const it = events[Symbol.asyncIterator]();
      const sent: string[] = [];
      const seen: string[] = [];
      let pending = it.next();
      for (let round = 1; round <= 3; round++) {
        sent.push(...(await appendEvents(2)));
        seen.push(orderIdOf(await pending), orderIdOf(await it.next()));
        pending = it.next();
        // The stream that delivered them ends at its lifetime and the next one opens.
        await eventually(async () => (opened.length > round ? true : undefined));
      }
      expect(seen).toEqual(sent);
      expect(opened.slice(1).every((start) => start?.case === "afterCursor")).toBe(true);
      controller.abort();
      expect((await failure(pending)).code).toBe(Code.Canceled);
    } finally {
      controller.abort();
      payments.close();
    }
  });

  it("resumablePaymentEvents throws, after one stream, the errors a new stream would meet again", async () => {
    const cases: [{ token?: string | null }, Request, Code][] = [
      [{}, { start: afterCursor(-1n) }, Code.InvalidArgument],
      [{ token: NO_EVENTS_TOKEN }, {}, Code.PermissionDenied],
      [{ token: null }, {}, Code.Unauthenticated],
    ];
    for (const [options, request, code] of cases) {
      const payments = openClient(kind, server, options);
      const opened: Start[] = [];
      try {
        const err = await failure(drain(resumablePaymentEvents(recording(payments, opened), request, { initialBackoffMs: 1 })));
        expect(err.code).toBe(code);
        expect(isResumable(err)).toBe(false);
        expect(opened).toHaveLength(1);
      } finally {
        payments.close();
      }
    }
  });
});
