// Redaction for everything this package puts in an error message or a log
// line: no API key, no Authorization header value, no card number, no email,
// no phone (reliability §3 F38). Emails and VPAs keep their first character
// and domain (`a***@x.com`), digit runs of 10–19 (phones, cards, account
// numbers) keep their last four (`******1234`).

const BASIC_OR_BEARER = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/gi;
// Emails and UPI VPAs: local@domain.
const EMAIL_OR_VPA = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)/g;
// 10–19 digits, optionally split by single spaces or dashes (4242 4242 4242 4242, +91 98765 43210).
const LONG_DIGITS = /(?<![\dA-Za-z])\d(?:[ -]?\d){9,18}(?![\dA-Za-z])/g;

/** Masks secrets (exact strings, e.g. the API key and its Basic form) and PII patterns in free text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  }
  return out
    .replace(BASIC_OR_BEARER, "$1 [REDACTED]")
    .replace(EMAIL_OR_VPA, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(LONG_DIGITS, (digits) => `******${digits.replace(/\D/g, "").slice(-4)}`);
}

/** Redacts every string in a flat log record (nested values are stringified first). */
export function redactFields(fields: Record<string, unknown>, secrets: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === "string") out[key] = redactText(value, secrets);
    else if (value === null || typeof value === "number" || typeof value === "boolean") out[key] = value;
    else out[key] = redactText(safeStringify(value), secrets);
  }
  return out;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A bounded excerpt of a response body for diagnostics: at most `max` characters, redacted. */
export function bodyExcerpt(text: string, secrets: readonly string[] = [], max = 200): string {
  const trimmed = text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
  return redactText(trimmed.replace(/\s+/g, " "), secrets);
}
