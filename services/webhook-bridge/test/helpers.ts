import { request } from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { WebhookService, type IngestJuspayWebhookRequest } from "@payments/proto/payments/v1/webhook_service_pb";
import type { BridgeConfig } from "../src/config.js";

export const USER = "juspay-hooks";
export const PASSWORD = "correct-horse-battery-staple";

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

export function testConfig(paymentsUrl: string, overrides: Partial<BridgeConfig> = {}): BridgeConfig {
  return {
    host: "127.0.0.1",
    port: 0,
    credentials: [{ username: USER, password: PASSWORD }],
    requiredHeader: undefined,
    paymentsUrl,
    paymentsToken: "bridge-service-token",
    forwardTimeoutMs: 500,
    maxBodyBytes: 256 * 1024,
    rateLimit: { perSecond: 0, burst: 1 },
    headersTimeoutMs: 400,
    requestTimeoutMs: 1_500,
    bodyIdleTimeoutMs: 300,
    retryAfterSeconds: 30,
    shutdownGraceMs: 2_000,
    logLevel: "silent",
    ...overrides,
  };
}

export type Script = "ok" | "duplicate" | "malformed" | "unavailable" | "invalid" | "hang" | "slow";

export interface FakeService {
  url: string;
  calls: { request: IngestJuspayWebhookRequest; authorization: string | null; requestId: string | null }[];
  script: Script;
  close(): Promise<void>;
}

/** A WebhookService on h2c that records each IngestJuspayWebhook call and answers as scripted. */
export async function startFakeService(): Promise<FakeService> {
  const fake: FakeService = { url: "", calls: [], script: "ok", close: async () => {} };
  const handler = connectNodeAdapter({
    routes(router) {
      router.rpc(WebhookService.method.ingestJuspayWebhook, async (req, ctx) => {
        fake.calls.push({ request: req, authorization: ctx.requestHeader.get("authorization"), requestId: ctx.requestHeader.get("x-request-id") });
        const stored = { eventId: "we_1", dedupKey: "evt:x", juspayEventId: "evt_x", eventName: "ORDER_SUCCEEDED" };
        switch (fake.script) {
          case "ok":
            return { ...stored, state: WebhookEventState.RECEIVED };
          case "duplicate":
            return { ...stored, duplicate: true, state: WebhookEventState.PROCESSED };
          case "malformed":
            return { eventId: "we_2", dedupKey: "sha256:00", state: WebhookEventState.MALFORMED };
          case "unavailable":
            throw new ConnectError("database down", Code.Unavailable);
          case "invalid":
            throw new ConnectError("bad request", Code.InvalidArgument);
          case "slow":
            await new Promise((resolve) => setTimeout(resolve, 300));
            return { ...stored, state: WebhookEventState.RECEIVED };
          case "hang":
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
            throw new ConnectError("cancelled", Code.Canceled);
        }
      });
    },
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sessions) s.destroy();
    });
  return fake;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection; `chunked` sends the body without Content-Length. */
export function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body && !options.chunked) headers["content-length"] = String(body.length);
    const req = request({ host: "127.0.0.1", port, method: options.method ?? "POST", path: options.path ?? "/webhooks/juspay", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body && options.chunked) {
      // Several chunks, so the limit is hit while streaming.
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** A stream for the bridge's pino logger, keeping every line as written. */
export function captureLogs(): { sink: Writable; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { sink, text: () => lines.join("") };
}
