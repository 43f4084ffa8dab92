import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircuitBreakers, JuspayClient, JuspayNetworkError, JuspayTimeoutError } from "../src/index.js";

// The client's bulkhead (criterion 40): at most maxConcurrency calls in
// flight, maxWaiting more wait their turn, and the rest are refused at once,
// unsent, with an error that says so (outcome not_applied).

let server: http.Server;
let url = "";
let received = 0;
let inFlight = 0;
let peak = 0;

beforeAll(async () => {
  // Every order status takes 300 ms.
  server = http.createServer((req, res) => {
    received++;
    peak = Math.max(peak, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ order_id: req.url?.split("/").pop(), status: "NEW", amount: 1, currency: "INR" }));
    }, 300);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(maxConcurrency: number, maxWaiting: number) {
  return new JuspayClient({ baseUrl: url, apiKey: "key_test", merchantId: "m1", maxConcurrency, maxWaiting, circuitBreakers: new CircuitBreakers() });
}

describe("the concurrency limit", () => {
  it("keeps at most maxConcurrency calls on the wire, lets maxWaiting wait, and refuses the rest unsent", async () => {
    received = 0;
    peak = 0;
    const juspay = client(2, 2);
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => juspay.orders.status(`ord${i}`)));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    expect(refused).toHaveLength(2);
    for (const err of refused) {
      expect(err).toBeInstanceOf(JuspayNetworkError);
      expect((err as JuspayNetworkError).code).toBe("LOCAL_CONCURRENCY_LIMIT");
      expect((err as JuspayNetworkError).requestSent).toBe(false);
      expect((err as JuspayNetworkError).outcome).toBe("not_applied");
    }
    expect(received).toBe(4);
    expect(peak).toBe(2);
  });

  it("a waiting call gives up at its deadline, unsent", async () => {
    received = 0;
    const juspay = client(1, 5);
    const first = juspay.orders.status("slow1");
    const waiting = juspay.orders.status("slow2", { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(await waiting).toBeInstanceOf(JuspayTimeoutError);
    await first;
    expect(received).toBe(1);
  });
});
