import { redactFields } from "./redact.js";

// An optional logger hook, pino-compatible (`logger.warn(fields, message)`).
// Every record this package emits is built from non-secret fields and then
// redacted again (paths can hold a customer id that is an email or a phone).

export type JuspayLogLevel = "debug" | "info" | "warn" | "error";

export type JuspayLogger = Partial<Record<JuspayLogLevel, (fields: Record<string, unknown>, message: string) => void>>;

export function emitLog(
  logger: JuspayLogger | undefined,
  level: JuspayLogLevel,
  fields: Record<string, unknown>,
  message: string,
  secrets: readonly string[],
): void {
  const write = logger?.[level];
  if (!write) return;
  try {
    write.call(logger, redactFields(fields, secrets), message);
  } catch {
    // A broken logger must not break a payment call.
  }
}
