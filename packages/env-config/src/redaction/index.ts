// Keeps secrets and personal data out of logs (reliability criterion 38,
// docs/adr/0017-log-hygiene.md). Here, beside the configuration that reads
// those secrets, because every deployable has both.
export { luhnValid, looksLikeCardNumber } from "./luhn.js";
export { rememberSecrets, rememberedSecrets } from "./secrets.js";
export { REDACTED, scrubText } from "./text.js";
export { MAX_LOGGED_CHARS, MAX_LOGGED_STACK_CHARS, scrubBounded } from "./bounded.js";
export { isSensitiveKey, scrubValue } from "./value.js";
export { REDACT_PATHS, redactingLoggerOptions, scrubChildBindings, type RedactingOptions } from "./pino.js";
