import { redactingLoggerOptions, REDACTED, scrubChildBindings } from "@payments/env-config/redaction";
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

// Structured JSON logs, scrubbed like the payments service's (shared code in
// @payments/env-config/redaction). The bridge never puts credentials, headers
// or bodies into a log object; the paths below and the scrubbing are the
// second line of defence for mistakes.
const BRIDGE_PATHS = ["headers", "*.headers", "body", "*.body"];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const redaction = redactingLoggerOptions();
  const options = {
    level,
    base: { service: "webhook-bridge" },
    ...redaction,
    redact: { paths: [...BRIDGE_PATHS, ...redaction.redact.paths], censor: REDACTED },
  };
  return scrubChildBindings(pino(options, destination as DestinationStream | undefined));
}
