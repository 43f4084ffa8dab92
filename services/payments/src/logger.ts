import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

// Structured JSON logs. Redaction covers the places a secret can sit in a log
// object we build; free text is kept free of secrets at the source.
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "payments" },
      redact: {
        paths: ["*.authorization", "*.Authorization", "headers.authorization", "apiKey", "*.apiKey", "password", "*.password"],
        censor: "[redacted]",
      },
    },
    destination as DestinationStream | undefined,
  );
}
