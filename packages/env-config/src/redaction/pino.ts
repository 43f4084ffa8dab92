import { scrubBounded } from "./bounded.js";
import { REDACTED } from "./text.js";
import { scrubValue } from "./value.js";

// What every service's pino logger is built with: each record and each
// child's bindings are scrubbed deeply before they are written (errors too,
// with whatever an HTTP client attached to them), the final message is
// cut to a bound and scrubbed as text, and fixed redact paths stay as a last line for fields
// added after the formatter (pino's own).

/** Fields removed by path even if the scrubber were bypassed. */
export const REDACT_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "token",
  "*.token",
  "privateKeyPem",
  "*.privateKeyPem",
  "cvv",
  "*.cvv",
  "card_number",
  "*.card_number",
];

type Record_ = Record<string, unknown>;

/** The part of pino's LoggerOptions this sets (typed here so this package needs no pino). */
export interface RedactingOptions {
  redact: { paths: string[]; censor: string };
  formatters: { log: (record: Record_) => Record_; bindings: (bindings: Record_) => Record_ };
  serializers: { msg: (msg: unknown) => unknown; err: (err: unknown) => unknown };
}

/** Options to spread into `pino({...})`. */
export function redactingLoggerOptions(): RedactingOptions {
  return {
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      log: (record) => scrubValue(record) as Record_,
      bindings: (bindings) => scrubValue(bindings) as Record_,
    },
    serializers: {
      // The message after interpolation, and an error's message when it stands in for one.
      msg: (msg: unknown) => (typeof msg === "string" ? scrubBounded(msg) : scrubValue(msg)),
      // Errors are already plain, scrubbed objects (formatters.log); pino's own serializer would re-add `raw`.
      err: (err: unknown) => (err instanceof Error ? scrubValue(err) : err),
    },
  };
}

interface HasChild {
  child(bindings: Record_, ...rest: never[]): unknown;
}

/**
 * pino formats only the base bindings; a child's (`logger.child({...})`) are
 * written as given. This scrubs them too, for children of children as well
 * (they inherit the root's `child`).
 */
export function scrubChildBindings<L extends HasChild>(logger: L): L {
  const child = logger.child;
  logger.child = function (this: L, bindings: Record_, ...rest: never[]) {
    return child.call(this, scrubValue(bindings) as Record_, ...rest);
  };
  return logger;
}
