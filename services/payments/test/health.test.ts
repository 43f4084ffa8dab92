import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from "@payments/proto/health/v1/health_pb";
import { describe, expect, it } from "vitest";
import { startTestServer } from "./helpers/test-server.js";

describe("health", () => {
  it("follows the database: NOT_SERVING once it stops answering", async () => {
    const t = await startTestServer();
    const health = createClient(Health, createGrpcTransport({ baseUrl: t.baseUrl }));
    try {
      expect((await health.check({})).status).toBe(ServingStatus.SERVING);
      await t.database.database.close();
      // Probe results are cached for one second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await health.check({})).status).toBe(ServingStatus.NOT_SERVING);
      expect((await health.check({ service: "payments.v1.PayloadService" })).status).toBe(ServingStatus.NOT_SERVING);
    } finally {
      await t.server.shutdown();
      await t.database.drop().catch(() => {});
    }
  });

  it("Watch sends the status, then NOT_SERVING when shutdown starts, and ends", async () => {
    const t = await startTestServer();
    const health = createClient(Health, createGrpcTransport({ baseUrl: t.baseUrl }));
    const seen: ServingStatus[] = [];
    const watching = (async () => {
      for await (const res of health.watch({})) {
        seen.push(res.status);
        if (seen.length === 1) void t.stop();
      }
    })();
    await watching;
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
  });

  it("Watch of an unknown service says SERVICE_UNKNOWN", async () => {
    const t = await startTestServer();
    try {
      const health = createClient(Health, createGrpcTransport({ baseUrl: t.baseUrl }));
      const statuses: ServingStatus[] = [];
      for await (const res of health.watch({ service: "nope.v1.Nope" })) statuses.push(res.status);
      expect(statuses).toEqual([ServingStatus.SERVICE_UNKNOWN]);
    } finally {
      await t.stop();
    }
  });
});
