import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import type { ResolvedConfig } from "../config.js";
import { decryptResponse, encryptRequest } from "../jwe/index.js";
import { tryDecode } from "../decode/decode.js";
import {
  JuspayConfigError,
  JuspayDecodeError,
  JuspayInvalidRequestError,
  JuspayNetworkError,
  JuspayTimeoutError,
  JuspayUpstreamUnavailableError,
  type JuspayError,
} from "../errors.js";
import { emitLog } from "../logger.js";
import { bodyExcerpt, redactText } from "../redact.js";
import { CircuitOpen, NeutralOutcome, UpstreamFailure, type UpstreamGuard } from "./circuit-breaker.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { errorFromNetworkFailure, errorFromResponse, parseJson, type ResponseContext } from "./classify.js";
import { encodeForm } from "./form.js";
import { RetryBudget, decideRetry, type RetryMode } from "./retry-policy.js";

// Sends one logical call to Juspay (in the spirit of stripe-node's request
// sender): builds the request once, so every attempt carries the same body and
// idempotency handle; runs each attempt through the base URL's circuit
// breaker, with its own timeout inside the call's deadline (AbortSignal.any of
// the caller's signal, the deadline and the attempt timeout, all passed to
// fetch); reads the whole body; decodes or classifies; retries per the retry
// policy; and finally states whether the call's outcome is known.

export interface CallOptions {
  /** Aborts the call (pending attempt and backoff). */
  signal?: AbortSignal;
  /** Absolute deadline for the whole call, retries included (Date or epoch ms). */
  deadline?: Date | number;
  /** Relative deadline for the whole call; with `deadline`, the earlier wins. Default: config.deadlineMs. */
  timeoutMs?: number;
  /** `x-routing-id`: Juspay recommends the customer id (the same on every call for that customer). */
  routingId?: string;
}

export type RequestBody =
  | { kind: "form"; fields: Record<string, string> }
  | { kind: "json"; value: Record<string, unknown> }
  /** JWE/JWS mode: the payload is encrypted with config.jwe and the answer decrypted. */
  | { kind: "jwe"; payload: Record<string, unknown> };

export interface RequestSpec<T> {
  /** "orders.refund", … (errors and logs). */
  operation: string;
  method: "GET" | "POST";
  /** Path with segments already URL-encoded. */
  path: string;
  query?: Record<string, string>;
  body?: RequestBody;
  retry: RetryMode;
  schema: z.ZodType<T>;
}

type Exchange =
  | { kind: "response"; status: number; headers: Headers; text: string }
  | { kind: "failure"; error: JuspayError; uncertain: boolean; health: "failure" | "neutral" };

type AttemptResult<T> = { ok: true; value: T } | { ok: false; error: JuspayError; uncertain: boolean };

interface Signals {
  user: AbortSignal | undefined;
  deadline: AbortSignal;
  call: AbortSignal;
}

interface AttemptSignals extends Signals {
  /** What fetch gets: the call's signal and the attempt's timeout. */
  attempt: AbortSignal;
  /** The attempt's timeout was cut to the time left before the deadline. */
  cappedByDeadline: boolean;
}

class ResponseTooLarge extends Error {}

/** Whether a parsed body is a /v4 encrypted envelope (`{JWT}` or `{header, encryptedPayload, …}`). */
export function isEncryptedEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  return typeof record["JWT"] === "string" || (typeof record["encryptedPayload"] === "string" && typeof record["header"] === "string");
}

/** The path as text (%40 → @) so redaction sees emails and phones in it. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function deadlineOf(options: CallOptions, defaultMs: number, now: number): number {
  const relative = now + (options.timeoutMs ?? defaultMs);
  if (options.deadline === undefined) return relative;
  const absolute = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
  return options.timeoutMs === undefined ? absolute : Math.min(relative, absolute);
}

async function readBody(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The network code of a call refused by this client's own concurrency limit. */
export const LOCAL_LIMIT = "LOCAL_CONCURRENCY_LIMIT";

export class RequestSender {
  private readonly guard: UpstreamGuard;
  private readonly budget: RetryBudget | null;
  private readonly limit: ConcurrencyLimit;

  constructor(private readonly config: ResolvedConfig) {
    this.guard = config.circuitBreakers.forBaseUrl(config.baseUrl, config.breaker);
    this.budget = config.retry.budget === false ? null : new RetryBudget(config.retry.budget);
    this.limit = new ConcurrencyLimit(config.maxConcurrency, config.maxWaiting);
  }

  /** Calls in flight now (metrics). */
  get inFlight(): number {
    return this.limit.inFlight;
  }

  get circuit(): UpstreamGuard {
    return this.guard;
  }

  /** The same options with the deadline made absolute, for a call made of several requests (they share it). */
  pinDeadline(options: CallOptions): CallOptions {
    return { ...options, deadline: deadlineOf(options, this.config.deadlineMs, Date.now()), timeoutMs: undefined };
  }

  async send<T>(spec: RequestSpec<T>, options: CallOptions = {}): Promise<T> {
    const config = this.config;
    const ctx: ResponseContext = { operation: spec.operation, method: spec.method, path: redactText(decodePath(spec.path), config.secrets), secrets: config.secrets };
    const now = Date.now();
    const deadlineAt = deadlineOf(options, config.deadlineMs, now);
    const init = await this.prepare(spec, options, ctx);
    // A caller's deadline may be fractional (a share of its own budget); AbortSignal.timeout takes whole milliseconds only.
    const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(deadlineAt - now)));
    const signals: Signals = { user: options.signal, deadline, call: options.signal ? AbortSignal.any([options.signal, deadline]) : deadline };
    // A slot for the whole call (retries included): a call refused here was never sent.
    const release = await this.limit.acquire(signals.call);
    if (release === null) {
      const error = signals.call.aborted
        ? this.timeoutError(ctx, signals, deadlineAt - Date.now() <= 0)
        : new JuspayNetworkError({ operation: ctx.operation, method: ctx.method, path: ctx.path, httpStatus: null, code: LOCAL_LIMIT, requestSent: false });
      error.outcome = "not_applied";
      emitLog(config.logger, "warn", error.toJSON(), "juspay call not sent: too many calls in flight in this process", config.secrets);
      throw error;
    }
    try {
      return await this.sendWithin(spec, init, ctx, signals, deadlineAt);
    } finally {
      release();
    }
  }

  private async sendWithin<T>(spec: RequestSpec<T>, init: { url: string; init: RequestInit }, ctx: ResponseContext, signals: Signals, deadlineAt: number): Promise<T> {
    const config = this.config;
    this.budget?.onCall();

    let attempts = 0;
    let uncertain = false;
    const finish = (error: JuspayError): JuspayError => {
      error.outcome = spec.retry !== "safe" && uncertain ? "unknown" : "not_applied";
      error.attempts = attempts;
      emitLog(config.logger, "warn", error.toJSON(), "juspay call failed", config.secrets);
      return error;
    };

    for (;;) {
      if (signals.call.aborted || deadlineAt - Date.now() <= 0) throw finish(this.timeoutError(ctx, signals, deadlineAt - Date.now() <= 0));
      const started = Date.now();
      const result = await this.attempt(spec, init, ctx, signals, deadlineAt, () => attempts++);
      emitLog(
        config.logger,
        "debug",
        { operation: spec.operation, method: spec.method, path: ctx.path, attempt: attempts, durationMs: Date.now() - started, result: result.ok ? "ok" : result.error.kind, httpStatus: result.ok ? undefined : result.error.httpStatus },
        "juspay attempt",
        config.secrets,
      );
      if (result.ok) return result.value;
      if (result.uncertain) uncertain = true;
      const decision = decideRetry({ error: result.error, mode: spec.retry, attempts, remainingMs: deadlineAt - Date.now(), settings: config.retry });
      if (!decision.retry) throw finish(result.error);
      if (this.budget && !this.budget.tryRetry()) throw finish(result.error);
      emitLog(
        config.logger,
        "info",
        { operation: spec.operation, path: ctx.path, attempt: attempts, delayMs: decision.delayMs, errorKind: result.error.kind, httpStatus: result.error.httpStatus },
        "juspay retry",
        config.secrets,
      );
      try {
        await sleep(decision.delayMs, undefined, { signal: signals.call });
      } catch {
        throw finish(this.timeoutError(ctx, signals));
      }
    }
  }

  /** Headers, URL and body, built once per call so every attempt sends the same idempotency handle. */
  private async prepare(spec: RequestSpec<unknown>, options: CallOptions, ctx: ResponseContext): Promise<{ url: string; init: RequestInit }> {
    const config = this.config;
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": config.userAgent,
      version: config.version,
      "x-merchantid": config.merchantId,
      "x-request-id": randomUUID(),
    };
    if (spec.body?.kind !== "jwe") headers["authorization"] = `Basic ${Buffer.from(`${config.apiKey}:`).toString("base64")}`;
    if (options.routingId !== undefined) {
      if (typeof options.routingId !== "string" || !/^[\x20-\x7e]{1,255}$/.test(options.routingId)) {
        throw new JuspayInvalidRequestError({ operation: spec.operation, method: spec.method, path: ctx.path, message: `Juspay ${spec.operation}: routingId must be 1-255 printable ASCII characters` });
      }
      headers["x-routing-id"] = options.routingId;
    }
    let body: string | undefined;
    // Juspay's Order Status pages list this Content-Type as required on the GET too (tools/juspay-sim README, issue 17).
    if (spec.body === undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    if (spec.body?.kind === "form") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = encodeForm(spec.body.fields);
    } else if (spec.body?.kind === "json") {
      headers["content-type"] = "application/json";
      body = JSON.stringify(spec.body.value);
    } else if (spec.body?.kind === "jwe") {
      headers["content-type"] = "application/json";
      const keys = config.jwe;
      if (!keys) throw new JuspayConfigError({ operation: spec.operation, problems: ["jwe keys are not configured"] });
      try {
        body = JSON.stringify(await encryptRequest(spec.body.payload, keys));
      } catch (cause) {
        throw new JuspayConfigError({ operation: spec.operation, method: spec.method, path: ctx.path, problems: ["JWE encryption failed"], cause });
      }
    }
    const query = spec.query && Object.keys(spec.query).length > 0 ? `?${new URLSearchParams(spec.query).toString()}` : "";
    return { url: `${config.baseUrl}${spec.path}${query}`, init: { method: spec.method, headers, body, redirect: "manual" } };
  }

  /** `cappedByDeadline`: the attempt's own timer was shortened to the call's deadline, so its firing is the deadline. */
  private timeoutError(ctx: ResponseContext, signals: Signals, cappedByDeadline = false): JuspayTimeoutError {
    let reason: "attempt_timeout" | "deadline" | "aborted" = cappedByDeadline ? "deadline" : "attempt_timeout";
    if (signals.user?.aborted) {
      const why = signals.user.reason as { name?: unknown } | undefined;
      reason = why?.name === "TimeoutError" ? "deadline" : "aborted";
    } else if (signals.deadline.aborted) {
      reason = "deadline";
    }
    return new JuspayTimeoutError({ operation: ctx.operation, method: ctx.method, path: ctx.path, reason });
  }

  /** One HTTP attempt through the breaker, decoded or classified. */
  private async attempt<T>(
    spec: RequestSpec<T>,
    prepared: { url: string; init: RequestInit },
    ctx: ResponseContext,
    signals: Signals,
    deadlineAt: number,
    countAttempt: () => void,
  ): Promise<AttemptResult<T>> {
    const remainingMs = deadlineAt - Date.now();
    const attemptMs = Math.max(1, Math.ceil(Math.min(this.config.timeoutMs, remainingMs)));
    const attemptSignals: AttemptSignals = { ...signals, attempt: AbortSignal.any([signals.call, AbortSignal.timeout(attemptMs)]), cappedByDeadline: remainingMs <= this.config.timeoutMs };
    let exchange: Exchange;
    try {
      exchange = await this.guard.run(async () => {
        countAttempt();
        const ex = await this.exchange(prepared, ctx, attemptSignals);
        if (ex.kind === "response" && ex.status >= 500) throw new UpstreamFailure(ex);
        if (ex.kind === "failure") throw ex.health === "failure" ? new UpstreamFailure(ex) : new NeutralOutcome(ex);
        return ex;
      });
    } catch (err) {
      if (err instanceof CircuitOpen) {
        const error = new JuspayUpstreamUnavailableError({ operation: ctx.operation, method: ctx.method, path: ctx.path, circuitOpen: true, retryable: true });
        return { ok: false, error, uncertain: false };
      }
      if (err instanceof UpstreamFailure || err instanceof NeutralOutcome) exchange = err.outcome as Exchange;
      else throw err;
    }
    if (exchange.kind === "failure") return { ok: false, error: exchange.error, uncertain: exchange.uncertain };
    return await this.interpret(spec, exchange, ctx);
  }

  /** fetch + read the whole body; never throws. */
  private async exchange(prepared: { url: string; init: RequestInit }, ctx: ResponseContext, signals: AttemptSignals): Promise<Exchange> {
    let res: Response;
    try {
      res = await this.config.fetch(prepared.url, { ...prepared.init, signal: signals.attempt });
    } catch (err) {
      return this.failure(err, ctx, signals, false, null);
    }
    try {
      return { kind: "response", status: res.status, headers: res.headers, text: await readBody(res, this.config.maxResponseBytes) };
    } catch (err) {
      if (err instanceof ResponseTooLarge) {
        const error = new JuspayDecodeError({ operation: ctx.operation, method: ctx.method, path: ctx.path, httpStatus: res.status, issues: [{ path: "", message: "response body too large" }] });
        return { kind: "failure", error, uncertain: true, health: "neutral" };
      }
      return this.failure(err, ctx, signals, true, res.status);
    }
  }

  private failure(err: unknown, ctx: ResponseContext, signals: AttemptSignals, afterHeaders: boolean, status: number | null): Exchange {
    if (signals.attempt.aborted) {
      const error = this.timeoutError(ctx, signals, signals.cappedByDeadline);
      // Whether the request reached Juspay cannot be known once it was on its way.
      return { kind: "failure", error, uncertain: true, health: error.reason === "attempt_timeout" ? "failure" : "neutral" };
    }
    const error = errorFromNetworkFailure(ctx, err, afterHeaders, status);
    return { kind: "failure", error, uncertain: error.requestSent, health: "failure" };
  }

  /** A complete HTTP answer → the decoded value or the classified error. */
  private async interpret<T>(spec: RequestSpec<T>, ex: Extract<Exchange, { kind: "response" }>, ctx: ResponseContext): Promise<AttemptResult<T>> {
    const secrets = this.config.secrets;
    const base = { operation: ctx.operation, method: ctx.method, path: ctx.path, httpStatus: ex.status, responseId: ex.headers.get("x-response-id") };
    let body = ex.text.trim() === "" ? undefined : parseJson(ex.text);
    const jweKeys = spec.body?.kind === "jwe" ? this.config.jwe : null;
    if (ex.status < 200 || ex.status >= 300) {
      if (jweKeys && isEncryptedEnvelope(body)) {
        try {
          body = await decryptResponse(body, jweKeys);
        } catch {
          body = undefined;
        }
      }
      return { ok: false, error: errorFromResponse(ctx, ex.status, body, ex.headers), uncertain: ex.status >= 500 };
    }
    // 2xx: Juspay acted on it; an unreadable answer leaves the outcome unknown.
    if (body === undefined) {
      const error = new JuspayDecodeError({ ...base, issues: [{ path: "", message: ex.text.trim() === "" ? "empty body" : "body is not JSON" }], bodyExcerpt: bodyExcerpt(ex.text, secrets) });
      return { ok: false, error, uncertain: true };
    }
    if (jweKeys) {
      try {
        body = await decryptResponse(body, jweKeys);
      } catch {
        const error = new JuspayDecodeError({ ...base, issues: [{ path: "", message: "could not decrypt or verify the JWE answer" }] });
        return { ok: false, error, uncertain: true };
      }
    }
    const decoded = tryDecode(spec.schema, body);
    if (decoded.ok) return { ok: true, value: decoded.value };
    return { ok: false, error: new JuspayDecodeError({ ...base, issues: decoded.issues }), uncertain: true };
  }
}
