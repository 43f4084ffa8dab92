import { setTimeout as delay } from "node:timers/promises";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createGrpcJsPaymentsClient, createPaymentsClient, isResumable } from "@payments/client";
import type { StreamPaymentEventsRequestSchema, StreamPaymentEventsResponse } from "@payments/proto/payments/v1/webhook_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendOrderEvent } from "../../src/app/events/payment-events.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { createService, type ServiceParts } from "../../src/service.js";
import { captureLogs, type LogCapture } from "../helpers/log-capture.js";
import { DEFAULT_TEST_SETTINGS } from "../helpers/stack.js";
import { TEST_TOKEN, testAccess } from "../helpers/test-callers.js";
import { openTestDatabase, type TestDatabase } from "../helpers/test-database.js";

// Server streams through @payments/client against the real service on a real
// socket: no default deadline, and how a stream's end is classified.

let database: TestDatabase;
let logs: LogCapture;
let service: ServiceParts;
/** Streams live an hour here: only the test ends them. */
let server: RunningServer;

async function serve(port: number, maxStreamLifetimeMs: number): Promise<RunningServer> {
  return startServer({
    // A short grace: a shutdown waits it out for the open streams, then cuts them.
    config: { host: "127.0.0.1", port, shutdownGraceMs: 300, maxMessageBytes: 256 * 1024, access: testAccess([], { maxStreamLifetimeMs }) },
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
});
afterAll(async () => {
  await server?.shutdown();
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

function orderIdOf(result: IteratorResult<StreamPaymentEventsResponse>): string {
  if (result.done) throw new Error("the stream ended");
  if (result.value.message.case !== "event") throw new Error("expected an event");
  return result.value.message.value.orderId;
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
});
