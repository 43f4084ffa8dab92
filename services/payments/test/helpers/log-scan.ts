import { luhnValid } from "@payments/env-config/redaction";

// The log scan of reliability criterion 38: rules a log line must pass, each
// reported by name and place, never with the offending text (the report would
// leak what the rule protects). Independent of the service's scrubber on
// purpose: it checks what actually reached the log.

export interface KnownSecret {
  /** What the secret is, for the report ("Juspay API key"). */
  label: string;
  value: string;
}

export interface LogViolation {
  rule: string;
  /** Where in the record: a JSON path such as `err.config.headers`, or `line` for unparsable text. */
  path: string;
}

const BASIC = /\bBasic\s+(?!\[REDACTED\]|(?:realm|auth\w*)\b)[A-Za-z0-9+/=]{6,}/i;
const BEARER = /\bBearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{6,}/i;
const PEM = /-----(?:BEGIN|END)[A-Z0-9 ]*-----|PRIVATE KEY-----/;
const DIGIT_RUN = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;
const CVV_TEXT = /\b(?:cvv2?|cvc2?|card[_-]?security[_-]?code|security[_-]?code)\b["']?\s*[:=]\s*["']?\d{3,4}\b/i;
const CVV_KEY = /^(?:cvv2?|cvc2?|card[_-]?security[_-]?code|security[_-]?code)$/i;
const EMAIL = /([A-Za-z0-9._%+*-]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const MASKED_LOCAL = /^[^*]?\*{3}$/;
// E.164 (+ and 8-15 digits) or an Indian mobile (10 digits from 6-9, maybe after 0 or 91).
const PHONE_E164 = /(?<![\w*])\+\d(?:[ -]?\d){7,14}(?!\d)/;
const PHONE_IN = /(?<![\w*+-])(?:0|91[ -]?)?[6-9]\d{4}[ -]?\d{5}(?![\w])/;

function secretForms(secret: KnownSecret): string[] {
  return [secret.value, Buffer.from(secret.value).toString("base64"), Buffer.from(`${secret.value}:`).toString("base64")];
}

function textViolations(text: string): string[] {
  const rules: string[] = [];
  if (BASIC.test(text)) rules.push("Basic credentials");
  if (BEARER.test(text)) rules.push("bearer token");
  if (PEM.test(text)) rules.push("PEM marker");
  if ([...text.matchAll(DIGIT_RUN)].some((m) => luhnValid(m[0].replace(/\D/g, "")))) rules.push("card number (Luhn-valid 13-19 digits)");
  if (CVV_TEXT.test(text)) rules.push("CVV field");
  if ([...text.matchAll(EMAIL)].some((m) => !MASKED_LOCAL.test(m[1] ?? ""))) rules.push("unmasked email");
  if (PHONE_E164.test(text) || PHONE_IN.test(text)) rules.push("unmasked phone number");
  return rules;
}

function walk(value: unknown, path: string, out: LogViolation[]): void {
  if (typeof value === "string") {
    for (const rule of textViolations(value)) out.push({ rule, path });
  } else if (typeof value === "number") {
    // pino's `time` is epoch milliseconds: 13 digits, and Luhn-valid one time in ten.
    if (path !== "time" && Number.isSafeInteger(value) && String(Math.abs(value)).length >= 13 && luhnValid(String(Math.abs(value)))) {
      out.push({ rule: "card number (Luhn-valid 13-19 digits)", path });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const at = path === "" ? key : `${path}.${key}`;
      for (const rule of textViolations(key)) out.push({ rule, path: `${at} (key)` });
      if (CVV_KEY.test(key) && child !== "" && child !== null && child !== "[REDACTED]") out.push({ rule: "CVV field", path: at });
      walk(child, at, out);
    }
  }
}

/** Every rule one log line breaks (a JSON record is checked field by field). */
export function scanLogLine(line: string, secrets: readonly KnownSecret[] = []): LogViolation[] {
  const out: LogViolation[] = [];
  for (const secret of secrets) {
    if (secretForms(secret).some((form) => form.length >= 4 && line.includes(form))) out.push({ rule: `known secret (${secret.label})`, path: "line" });
  }
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    for (const rule of textViolations(line)) out.push({ rule, path: "line" });
    return out;
  }
  walk(record, "", out);
  return out;
}

/** A report naming each rule, where it was broken, and by which log line: never the text itself. */
export function describeViolations(source: string, found: { line: number; violation: LogViolation }[]): string {
  const lines = found.map(({ line, violation }) => `  - ${violation.rule} at ${violation.path} (log line ${line})`);
  return `log scan (criterion 38) found ${found.length} violation(s) in the ${source} logs:\n${lines.join("\n")}`;
}
