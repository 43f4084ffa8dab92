// Errors of the Juspay client, one class per way a call can fail (in the
// spirit of stripe-node's error classes): by HTTP status and by Juspay's error
// code. Every error says whether the outcome of the call is known: a POST that
// timed out, was reset or got a 5xx may have taken effect at Juspay
// ("unknown"); it is never reported as a plain failure. Messages carry
// Juspay's code and (redacted) message, the HTTP status and the operation,
// never the API key, an Authorization header, a card number, an email or a
// phone number.

export type JuspayErrorKind =
  | "invalid_request"
  | "authentication"
  | "authorization"
  | "not_found"
  | "duplicate"
  | "rate_limited"
  | "upstream_unavailable"
  | "timeout"
  | "network"
  | "decode"
  | "config";

/**
 * What is known about the call's effect at Juspay.
 * - `not_applied`: Juspay did not act on it (rejected it, never got it, or the call only reads).
 * - `unknown`: it may have taken effect (a state-changing call timed out, was reset, got a 5xx or an
 *   unreadable 200, or was answered "duplicate" after such an attempt): reconcile by reading status.
 */
export type JuspayOutcome = "not_applied" | "unknown";

/** Juspay's `error_info` block (newer APIs), when present. */
export interface JuspayErrorInfo {
  code: string | null;
  category: string | null;
  requestId: string | null;
  userMessage: string | null;
  developerMessage: string | null;
}

export interface JuspayErrorInit {
  /** e.g. "orders.refund". */
  operation: string;
  method?: string | null;
  /** Request path, already redacted. */
  path?: string | null;
  httpStatus?: number | null;
  /** Juspay's `error_code` (or `code`, or `error_info.code`). */
  errorCode?: string | null;
  /** Juspay's `error_message` (or `message` / `user_message`), redacted. */
  errorMessage?: string | null;
  /** Juspay's `status` field of the error body ("Invalid Request", "NOT_FOUND", "DUPLICATE_ORDER_ID"). */
  juspayStatus?: string | null;
  juspayStatusId?: number | null;
  errorInfo?: JuspayErrorInfo | null;
  /** Juspay's `x-response-id` header. */
  responseId?: string | null;
  outcome?: JuspayOutcome;
  attempts?: number;
  /** Overrides the generated message (must already be free of secrets). */
  message?: string;
  cause?: unknown;
}

const TITLES: Record<JuspayErrorKind, string> = {
  invalid_request: "invalid request",
  authentication: "authentication failed",
  authorization: "not authorized",
  not_found: "not found",
  duplicate: "duplicate",
  rate_limited: "rate limited",
  upstream_unavailable: "upstream unavailable",
  timeout: "timed out",
  network: "network error",
  decode: "undecodable response",
  config: "configuration error",
};

export abstract class JuspayError extends Error {
  private ownMessage: string | undefined;
  abstract readonly kind: JuspayErrorKind;
  /** Whether the same call (same idempotency handle) may succeed if tried again later. */
  abstract readonly retryable: boolean;
  readonly operation: string;
  readonly method: string | null;
  readonly path: string | null;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly juspayStatus: string | null;
  readonly juspayStatusId: number | null;
  readonly errorInfo: JuspayErrorInfo | null;
  readonly responseId: string | null;
  /** Set by the request sender once the call is over (retries included). */
  outcome: JuspayOutcome;
  /** HTTP attempts made for the call (0 when it failed before sending). */
  attempts: number;

  constructor(init: JuspayErrorInit) {
    // No message to Error itself: an own `message` property would hide the getter below,
    // which reads fields (outcome, attempts) the request sender fills in afterwards.
    super(undefined, init.cause === undefined ? undefined : { cause: init.cause });
    this.ownMessage = init.message;
    this.operation = init.operation;
    this.method = init.method ?? null;
    this.path = init.path ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.errorCode = init.errorCode ?? null;
    this.errorMessage = init.errorMessage ?? null;
    this.juspayStatus = init.juspayStatus ?? null;
    this.juspayStatusId = init.juspayStatusId ?? null;
    this.errorInfo = init.errorInfo ?? null;
    this.responseId = init.responseId ?? null;
    this.outcome = init.outcome ?? "not_applied";
    this.attempts = init.attempts ?? 0;
  }

  override get name(): string {
    return this.constructor.name;
  }

  override get message(): string {
    return this.ownMessage ?? this.describe();
  }

  override set message(value: string) {
    this.ownMessage = value === "" ? undefined : value;
  }

  /** True when the call may have taken effect at Juspay: read status before deciding anything. */
  get outcomeUnknown(): boolean {
    return this.outcome === "unknown";
  }

  /** Extra words for the message, per class. */
  protected detail(): string[] {
    return [];
  }

  private describe(): string {
    const parts: string[] = [];
    if (this.httpStatus !== null) parts.push(`HTTP ${this.httpStatus}`);
    if (this.errorCode) parts.push(`error_code=${this.errorCode}`);
    if (this.juspayStatus && this.juspayStatus !== this.errorCode) parts.push(`status=${this.juspayStatus}`);
    parts.push(...this.detail());
    if (this.outcome === "unknown") parts.push("outcome unknown");
    if (this.attempts > 1) parts.push(`${this.attempts} attempts`);
    const head = `Juspay ${this.operation}: ${TITLES[this.kind]}`;
    const tail = this.errorMessage ? `: ${this.errorMessage}` : "";
    return `${head}${parts.length ? ` (${parts.join(", ")})` : ""}${tail}`;
  }

  /** What a structured logger may print: every field here is free of secrets. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      operation: this.operation,
      method: this.method,
      path: this.path,
      httpStatus: this.httpStatus,
      errorCode: this.errorCode,
      errorMessage: this.errorMessage,
      juspayStatus: this.juspayStatus,
      juspayStatusId: this.juspayStatusId,
      errorInfo: this.errorInfo,
      responseId: this.responseId,
      outcome: this.outcome,
      retryable: this.retryable,
      attempts: this.attempts,
    };
  }
}

/** 400 (and other 4xx): Juspay refused the request as invalid; also local checks before sending. */
export class JuspayInvalidRequestError extends JuspayError {
  readonly kind = "invalid_request";
  readonly retryable = false;
}

/** 401: bad or missing API key (`access_denied`). */
export class JuspayAuthenticationError extends JuspayError {
  readonly kind = "authentication";
  readonly retryable = false;
}

/** 403: the key may not do this (or the IP is not allow-listed, `BAD_ORIGIN`). */
export class JuspayAuthorizationError extends JuspayError {
  readonly kind = "authorization";
  readonly retryable = false;
}

/** 404, or 400 with `NOT_FOUND` / `RESOURCE_NOT_FOUND` (Juspay answers an unknown order with 400). */
export class JuspayNotFoundError extends JuspayError {
  readonly kind = "not_found";
  readonly retryable = false;
}

/**
 * Juspay already has this id: `duplicate.call` (refund unique_request_id),
 * `DUPLICATE_ORDER_ID`, `DUPLICATE_REQUEST` (same id in flight),
 * `ALREADY_EXISTS`. After an attempt of this call whose outcome was unknown,
 * the duplicate is most likely that attempt: `outcome` is then "unknown" and
 * the caller reconciles by reading status, never by issuing a new id.
 */
export class JuspayDuplicateError extends JuspayError {
  readonly kind = "duplicate";
  readonly retryable = false;
}

/** 429. `retryAfterMs` from Retry-After when Juspay sent one. */
export class JuspayRateLimitedError extends JuspayError {
  readonly kind = "rate_limited";
  readonly retryable = true;
  readonly retryAfterMs: number | null;

  constructor(init: JuspayErrorInit & { retryAfterMs?: number | null }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  protected override detail(): string[] {
    return this.retryAfterMs === null ? [] : [`retry after ${this.retryAfterMs} ms`];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** 5xx (JSON or an HTML error page), an unexpected 1xx/3xx, or the circuit breaker is open (no call made). */
export class JuspayUpstreamUnavailableError extends JuspayError {
  readonly kind = "upstream_unavailable";
  readonly retryable: boolean;
  readonly circuitOpen: boolean;
  /** The body was not JSON (an HTML error page from a proxy or load balancer). */
  readonly htmlBody: boolean;

  constructor(init: JuspayErrorInit & { circuitOpen?: boolean; htmlBody?: boolean; retryable?: boolean }) {
    super(init);
    this.circuitOpen = init.circuitOpen ?? false;
    this.htmlBody = init.htmlBody ?? false;
    this.retryable = init.retryable ?? true;
  }

  protected override detail(): string[] {
    return [...(this.circuitOpen ? ["circuit open"] : []), ...(this.htmlBody ? ["non-JSON body"] : [])];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), circuitOpen: this.circuitOpen, htmlBody: this.htmlBody };
  }
}

/**
 * No complete answer in time. `reason`: the attempt's own timeout, the call's
 * deadline, or the caller's AbortSignal.
 */
export class JuspayTimeoutError extends JuspayError {
  readonly kind = "timeout";
  readonly reason: "attempt_timeout" | "deadline" | "aborted";
  /** Only a timed-out attempt is worth repeating; the caller's deadline or abort ends the call. */
  readonly retryable: boolean;

  constructor(init: JuspayErrorInit & { reason: "attempt_timeout" | "deadline" | "aborted" }) {
    super(init);
    this.reason = init.reason;
    this.retryable = init.reason === "attempt_timeout";
  }

  protected override detail(): string[] {
    return [this.reason.replace("_", " ")];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/**
 * The connection failed: refused, reset (also mid-body), DNS. `requestSent`
 * is false only when the failure happened before a byte could reach Juspay
 * (refused, DNS, connect timeout).
 */
export class JuspayNetworkError extends JuspayError {
  readonly kind = "network";
  readonly retryable = true;
  /** e.g. ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET. */
  readonly code: string | null;
  readonly requestSent: boolean;

  constructor(init: JuspayErrorInit & { code?: string | null; requestSent: boolean }) {
    super(init);
    this.code = init.code ?? null;
    this.requestSent = init.requestSent;
  }

  protected override detail(): string[] {
    return this.code ? [this.code] : [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code, requestSent: this.requestSent };
  }
}

export interface DecodeIssue {
  /** Dotted path in the body, e.g. "refunds.0.amount". */
  path: string;
  message: string;
}

/** A 2xx answer that is not what the API promises: HTML, truncated JSON, wrong types, inexact amounts. */
export class JuspayDecodeError extends JuspayError {
  readonly kind = "decode";
  readonly retryable = false;
  readonly issues: DecodeIssue[];
  /** The first characters of the body, redacted (null when the body was valid JSON). */
  readonly bodyExcerpt: string | null;

  constructor(init: JuspayErrorInit & { issues?: DecodeIssue[]; bodyExcerpt?: string | null }) {
    super(init);
    this.issues = init.issues ?? [];
    this.bodyExcerpt = init.bodyExcerpt ?? null;
  }

  protected override detail(): string[] {
    const first = this.issues.slice(0, 3).map((i) => `${i.path || "(root)"}: ${i.message}`);
    return first.length ? [first.join("; ")] : [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues, bodyExcerpt: this.bodyExcerpt };
  }
}

/** Bad client configuration or a local failure before anything was sent (e.g. JWE encryption). */
export class JuspayConfigError extends JuspayError {
  readonly kind = "config";
  readonly retryable = false;
  readonly problems: string[];

  constructor(init: JuspayErrorInit & { problems?: string[] }) {
    super(init);
    this.problems = init.problems ?? [];
  }

  protected override detail(): string[] {
    return this.problems;
  }
}

export function isJuspayError(err: unknown): err is JuspayError {
  return err instanceof JuspayError;
}
