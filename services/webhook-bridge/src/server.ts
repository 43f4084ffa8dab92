import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { rememberSecrets } from "@payments/env-config/redaction";
import { createAuthenticator } from "./basic-auth.js";
import { BodyError, declaredTooLarge, readBody } from "./body.js";
import type { BridgeConfig } from "./config.js";
import { createCounters, type BridgeCounters } from "./counters.js";
import { createForwarder, type Forwarder } from "./forward.js";
import { forwardableHeaders, MAX_FORWARDED_HEADERS, remoteIp } from "./headers.js";
import { createLogger, type Logger } from "./logger.js";
import { loggablePath, MAX_REQUEST_TARGET } from "./request-target.js";
import { createRateLimiter } from "./rate-limit.js";

// The HTTP side: routes, the checks every webhook passes before a byte is
// forwarded (auth, content type, size, timeouts), and the mapping of the
// service's answer to the status Juspay sees. Juspay re-sends on anything but
// 200, so 200 means "stored" and nothing else.

export const WEBHOOK_PATH = "/webhooks/juspay";
const REALM = 'Basic realm="juspay-webhooks"';

export interface BridgeOptions {
  logger?: Logger;
  /** Replaces the gRPC forwarder (tests). */
  forwarder?: Forwarder;
}

export interface Bridge {
  address: { host: string; port: number };
  counters: Readonly<BridgeCounters>;
  /** Stops accepting, lets in-flight webhooks finish for up to graceMs, then closes everything. */
  shutdown(graceMs?: number): Promise<void>;
}

export async function startBridge(config: BridgeConfig, options: BridgeOptions = {}): Promise<Bridge> {
  // Never in a log line, whatever carries them there.
  rememberSecrets(...config.credentials.map((c) => c.password), config.requiredHeader?.value, config.paymentsToken);
  const logger = options.logger ?? createLogger(config.logLevel);
  const forwarder = options.forwarder ?? createForwarder({ paymentsUrl: config.paymentsUrl, paymentsToken: config.paymentsToken, timeoutMs: config.forwardTimeoutMs });
  const auth = createAuthenticator(config.credentials, config.requiredHeader);
  const counters = createCounters();
  const rateLimiter = createRateLimiter(config.rateLimit);
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;

  const server: Server = createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: 5_000,
    // Node enforces the two timeouts above only when it checks; check often enough to honour them.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.headersTimeoutMs / 4))),
  });

  const reply = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}, close = false) => {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers, ...(close || stopping ? { connection: "close" } : {}) });
    res.end(text);
  };

  const handleWebhook = async (req: IncomingMessage, res: ServerResponse, ip: string | undefined): Promise<number> => {
    counters.received++;
    // Before anything else: a flooding source costs one map look-up per request.
    if (!rateLimiter.take(ip ?? "unknown")) {
      counters.rateLimited++;
      reply(res, 429, { error: "too many webhooks" }, { "retry-after": "1" }, true);
      return 429;
    }
    // Checked before any byte of the body is read; the body stays unread, so the connection is closed after answering.
    const authorized = auth.checkAuthorization(req.headers.authorization);
    const headerOk = auth.checkRequiredHeader(config.requiredHeader ? req.headers[config.requiredHeader.name] : undefined);
    if (!authorized || !headerOk) {
      counters.authFailures++;
      reply(res, 401, { error: "unauthorized" }, { "www-authenticate": REALM }, true);
      return 401;
    }
    if (!isJson(req.headers["content-type"])) {
      counters.unsupportedMediaType++;
      reply(res, 415, { error: "content-type must be application/json" }, {}, true);
      return 415;
    }
    if (declaredTooLarge(req, config.maxBodyBytes)) {
      counters.tooLarge++;
      reply(res, 413, { error: "body too large" }, {}, true);
      return 413;
    }
    const headers = forwardableHeaders(req.rawHeaders, config.requiredHeader?.name);
    if (headers.length > MAX_FORWARDED_HEADERS) {
      reply(res, 431, { error: "too many headers" }, {}, true);
      return 431;
    }
    let body: Buffer;
    try {
      body = await readBody(req, { maxBytes: config.maxBodyBytes, idleTimeoutMs: config.bodyIdleTimeoutMs });
    } catch (err) {
      const kind = err instanceof BodyError ? err.kind : "aborted";
      if (kind === "too_large") {
        counters.tooLarge++;
        reply(res, 413, { error: "body too large" }, {}, true);
        return 413;
      }
      counters.bodyTimeouts += kind === "timeout" ? 1 : 0;
      reply(res, 408, { error: "request body timeout" }, {}, true);
      // A client that stalls mid-body gets its socket closed, not just an answer it may never read.
      req.socket.destroySoon();
      return kind === "timeout" ? 408 : 499;
    }
    counters.forwarded++;
    // One id per delivery, in our logs and the service's (Juspay sends none we could trust).
    const requestId = randomUUID();
    const result = await forwarder.forward({ method: req.method ?? "POST", path: req.url ?? WEBHOOK_PATH, headers, body, remoteIp: ip, requestId });
    switch (result.kind) {
      case "stored":
        counters[result.duplicate ? "duplicates" : "stored"]++;
        reply(res, 200, { ok: true });
        logger.info({ requestId, remoteIp: ip, bytes: body.length, eventId: result.eventId, eventName: result.eventName, duplicate: result.duplicate }, "webhook stored");
        return 200;
      case "malformed":
        counters.malformed++;
        reply(res, 400, { error: "body is not a Juspay webhook" });
        logger.warn({ requestId, remoteIp: ip, bytes: body.length, eventId: result.eventId }, "malformed webhook kept as a dead letter");
        return 400;
      case "rejected":
        counters.rejected++;
        reply(res, 400, { error: "webhook refused" });
        logger.warn({ requestId, remoteIp: ip, bytes: body.length, code: result.code }, "payments service refused the webhook as invalid");
        return 400;
      case "unavailable":
        counters.unavailable++;
        reply(res, 503, { error: "temporarily unavailable" }, { "retry-after": String(config.retryAfterSeconds) });
        logger.error({ requestId, remoteIp: ip, bytes: body.length, code: result.code }, "payments service did not store the webhook; Juspay will re-send");
        return 503;
    }
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const ip = remoteIp(req.socket.remoteAddress);
    const target = req.url ?? "/";
    const path = target.split("?")[0]!;
    let work: Promise<number>;
    if (target.length > MAX_REQUEST_TARGET) {
      // The service takes no longer path; refused before it reaches a log line or the service.
      work = Promise.resolve((reply(res, 414, { error: "request target too long" }, {}, true), 414));
    } else if (path === "/healthz") {
      work = Promise.resolve(req.method === "GET" || req.method === "HEAD" ? (reply(res, 200, { ok: true }), 200) : (reply(res, 405, { error: "method not allowed" }, { allow: "GET, HEAD" }, true), 405));
    } else if (path !== WEBHOOK_PATH) {
      work = Promise.resolve((reply(res, 404, { error: "not found" }, {}, true), 404));
    } else if (req.method !== "POST") {
      work = Promise.resolve((reply(res, 405, { error: "method not allowed" }, { allow: "POST" }, true), 405));
    } else {
      inFlight++;
      work = handleWebhook(req, res, ip).finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
    }
    work.then(
      (status) => {
        if (path !== "/healthz") logger.info({ method: req.method, path: loggablePath(path), status, remoteIp: ip, durationMs: Date.now() - started }, "request");
      },
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, "request failed");
        reply(res, 500, { error: "internal error" }, {}, true);
      },
    );
  });

  // Malformed requests and the headers/request timeouts land here; answer like Node would, and count.
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    counters.clientErrors++;
    const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
    logger.info({ code: err.code, remoteIp: remoteIp(socket.remoteAddress) }, timeout ? "client too slow, connection closed" : "bad request, connection closed");
    if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.end(timeout ? "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n" : "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    }
    socket.destroySoon();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    address: { host: address.address, port: address.port },
    counters,
    async shutdown(graceMs = config.shutdownGraceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      }
      server.closeAllConnections();
      await closed;
      forwarder.close();
    },
  };
}

/** application/json, with or without parameters such as charset. */
function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;.*)?$/i.test(contentType.trim());
}
