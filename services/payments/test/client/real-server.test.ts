import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { DEFAULT_RATE_LIMIT, sha256Hex } from "../../src/auth/callers.js";
import { SCOPES } from "../../src/auth/scopes.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { createService } from "../../src/service.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcJsPaymentsClient, createPaymentsClient, errorDetail, errorReason, isRetryable } from "@payments/client";

// Both clients against the real payments service on a real socket.

let server: RunningServer;
let database: Database;
let baseUrl: string;
let address: string;

beforeAll(async () => {
  database = await openDatabase({ kind: "pglite", dataDir: undefined });
  await migrateToLatest(database.db);
  const logger = createLogger("silent");
  // No Juspay behind it (nothing listens on port 9): these tests need answers the service gives by itself.
  const service = createService({
    config: {
      juspay: { baseUrl: "http://127.0.0.1:9", apiKey: "unused_key", merchantId: "unused", apiVersion: "2023-06-30", executionStatusPath: "/txns/v2/orders/{order_id}" },
      payments: {
        clientId: "unused",
        sdkEnvironment: "sandbox",
        defaultFlavour: "signature",
        signingKeys: [],
        returnUrlOrigins: [],
        currencies: ["INR"],
        refundSyncDelayMs: 60_000,
        orderSyncDelayMs: 60_000,
        syncMaxIntervalMs: 3_600_000,
        orderSyncMaxAgeMs: 3_600_000,
        idempotencyRetentionMs: 86_400_000,
        idempotencyLockMs: 60_000,
        signedPayloadWindowMs: 16 * 60_000,
        implicitCustomers: false,
      },
      jobs: { enabled: false, pollIntervalMs: 1_000, concurrency: 1 },
    },
    database,
    logger,
  });
  server = await startServer({
    config: {
      host: "127.0.0.1",
      port: 0,
      shutdownGraceMs: 1_000,
      maxMessageBytes: 256 * 1024,
      access: {
        callers: [{ id: "client-test", scopes: new Set(SCOPES), tokenSha256: [sha256Hex(TOKEN)], customerScoped: false, rateLimit: DEFAULT_RATE_LIMIT }],
        limits: { unary: 100, webhooks: 100, streams: 100, eventStreams: 100, callerSharePercent: 100, maxStreamLifetimeMs: 3_600_000 },
      },
    },
    database,
    logger,
    app: service.app,
    changeFeed: service.changeFeed,
  });
  address = `${server.address.host}:${server.address.port}`;
  baseUrl = `http://${address}`;
});
afterAll(async () => {
  await server?.shutdown();
  await database?.close();
});

/** The service requires a caller; this one may call everything. */
const TOKEN = "client-test-token-0123456789";

async function failure(call: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof call === "function" ? call() : call);
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe.each(["grpc", "connect"] as const)("createPaymentsClient (%s transport)", (transport) => {
  it("gets a typed NOT_FOUND with its reason from a valid request for an unknown order", async () => {
    const payments = createPaymentsClient({ baseUrl, transport, timeoutMs: 5_000, token: TOKEN });
    const err = await failure(payments.order.getOrderStatus({ orderId: "ord1" }));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.NotFound);
    expect(errorReason(err)).toBe(ErrorReason.NOT_FOUND);
    expect(isRetryable(err)).toBe(false);
  });

  it("gets INVALID_ARGUMENT with the field violations from a bad request", async () => {
    const payments = createPaymentsClient({ baseUrl, transport, token: TOKEN });
    const err = await failure(payments.order.refundOrder({ idempotencyKey: "short", orderId: "ord1" }));
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect(errorReason(err)).toBe(ErrorReason.INVALID_FIELD);
    expect(errorDetail(err)?.fieldViolations.map((v) => `${v.field}:${v.rule}`)).toEqual(["idempotency_key:pattern", "amount:required"]);
  });
});

describe("createGrpcJsPaymentsClient", () => {
  it("talks to the real server: NOT_FOUND and INVALID_ARGUMENT arrive typed, with the detail", async () => {
    const payments = createGrpcJsPaymentsClient({ address, timeoutMs: 5_000, token: TOKEN });
    try {
      const notFound = await failure(payments.order.getOrderStatus({ orderId: "ord1" }));
      expect((notFound as ConnectError).code).toBe(Code.NotFound);
      expect(errorReason(notFound)).toBe(ErrorReason.NOT_FOUND);

      const invalid = await failure(payments.mandate.listMandates({ customerId: "" }));
      expect((invalid as ConnectError).code).toBe(Code.InvalidArgument);
      expect(errorDetail(invalid)?.fieldViolations[0]?.field).toBe("customer_id");

      const stream = await failure(async () => {
        for await (const _ of payments.order.watchOrder({ orderId: "ord1" })) void _;
      });
      expect((stream as ConnectError).code).toBe(Code.NotFound);
    } finally {
      payments.close();
    }
  });
});
