import { looksLikeCardNumber } from "./luhn.js";
import { MAX_LOGGED_STACK_CHARS, scrubBounded } from "./bounded.js";
import { REDACTED, scrubText } from "./text.js";

// Deep scrubbing of a log record: a JSON-safe copy in which fields named like
// secrets are replaced whole, every string is cut to a bound and scrubbed as
// text (bounded.ts), errors become
// plain objects (name, message, stack, own fields such as an HTTP client's
// request config, and their cause), and binary data is reduced to its size.

const SENSITIVE_KEYS = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "xapikey",
  "apikey",
  "password",
  "passwd",
  "secret",
  "clientsecret",
  "webhookpassword",
  "token",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "bearertoken",
  "paymentstoken",
  "privatekey",
  "privatekeypem",
  "cvv",
  "cvv2",
  "cvc",
  "cvc2",
  "cardsecuritycode",
  "securitycode",
  "cardnumber",
  "cardno",
  "pan",
]);

const MAX_DEPTH = 8;
const MAX_ENTRIES = 200;

/** True for a field name whose value is a secret or card data, whatever its spelling (api_key, API-Key, apiKey). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(key.toLowerCase().replace(/[-_ ]/g, ""));
}

/** A scrubbed, JSON-safe copy of `value`. */
export function scrubValue(value: unknown, extraSecrets: readonly string[] = []): unknown {
  return walk(value, extraSecrets, 0, new WeakSet());
}

function walk(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case "string":
      return scrubBounded(value, undefined, secrets);
    case "number":
      return Number.isSafeInteger(value) && looksLikeCardNumber(String(Math.abs(value))) ? scrubText(String(value)) : value;
    case "bigint":
      return looksLikeCardNumber(String(value < 0n ? -value : value)) ? scrubText(String(value)) : value;
    case "function":
    case "symbol":
      return undefined;
    case "object":
      break;
    default:
      return value;
  }
  if (value === null) return null;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  seen.add(value);
  try {
    return walkObject(value, secrets, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function walkObject(value: object, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  const next = (v: unknown) => walk(v, secrets, depth + 1, seen);
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map(next);
  if (value instanceof Map) return entries([...value.entries()].map(([k, v]) => [String(k), v]), next);
  if (value instanceof Set) return [...value].slice(0, MAX_ENTRIES).map(next);
  if (typeof Headers !== "undefined" && value instanceof Headers) return entries([...value.entries()], next);
  if (value instanceof Error) return errorObject(value, secrets, next);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return next(toJSON.call(value));
  return entries(Object.entries(value), next);
}

function entries(pairs: [string, unknown][], next: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of pairs.slice(0, MAX_ENTRIES)) {
    const scrubbedKey = scrubBounded(key);
    if (isSensitiveKey(key)) out[scrubbedKey] = v === undefined || v === null || v === "" ? v : REDACTED;
    else {
      const scrubbed = next(v);
      if (scrubbed !== undefined) out[scrubbedKey] = scrubbed;
    }
  }
  return out;
}

/** pino's error shape ({type, message, stack, ...fields}), scrubbed, with its cause chain. */
function errorObject(err: Error, secrets: readonly string[], next: (v: unknown) => unknown): Record<string, unknown> {
  const fields = entries(Object.entries(err), next);
  const stack = typeof err.stack === "string" ? scrubBounded(err.stack, MAX_LOGGED_STACK_CHARS, secrets) : next(err.stack);
  const out: Record<string, unknown> = { type: err.name, message: next(err.message), stack, ...fields };
  if (err.cause !== undefined && !("cause" in fields)) out.cause = next(err.cause);
  if (err instanceof AggregateError) out.errors = next(err.errors);
  return out;
}
