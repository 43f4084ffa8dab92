import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

// Structured JSON logs. The bridge never puts credentials, headers or bodies
// into a log object; redaction is a second line of defence for mistakes.
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "webhook-bridge" },
      redact: {
        paths: ["authorization", "*.authorization", "headers", "*.headers", "password", "*.password", "body", "*.body", "token", "*.token"],
        censor: "[redacted]",
      },
    },
    destination as DestinationStream | undefined,
  );
}
