import { redactingLoggerOptions, scrubChildBindings } from "@payments/env-config/redaction";
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import { currentRequestId } from "./observability/request-context.js";

export type Logger = PinoLogger;

// Structured JSON logs. Every line written while handling an RPC or a job it
// caused carries that request's id (the mixin reads it from the request
// context, so no code passes it along). Every record, message, error and
// child binding is scrubbed of secrets and personal data before it is
// written (docs/adr/0017-log-hygiene.md).
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: "payments" },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId === undefined ? {} : { requestId };
    },
    ...redactingLoggerOptions(),
  };
  return scrubChildBindings(pino(options, destination as DestinationStream | undefined));
}
