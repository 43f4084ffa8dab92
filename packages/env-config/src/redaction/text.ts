import { looksLikeCardNumber } from "./luhn.js";
import { rememberedSecrets } from "./secrets.js";

// Free-text scrubbing: what is left of a secret or of personal data in a
// string once it has been masked. Masked forms keep what an operator needs to
// correlate (the last four digits, the first letter and the domain of an
// email) and nothing more. Masking is idempotent: a scrubbed string scrubs to
// itself.

export const REDACTED = "[REDACTED]";

// Names whose value is a secret or card data wherever they appear as
// `name: value` / `name=value` / `"name":"value"` in text.
const SECRET_NAMES =
  "authorization|proxy-authorization|x-api-key|api[_-]?key|apikey|client[_-]?secret|secret|password|passwd|pwd|access[_-]?token|refresh[_-]?token|id[_-]?token|token|private[_-]?key|cookie|set-cookie|cvv2?|cvc2?|card[_-]?security[_-]?code|security[_-]?code|card[_-]?number|card_no";
const QUOTED_PAIR = new RegExp(`(["']?)\\b(${SECRET_NAMES})\\1(\\s*[:=]\\s*)"((?:[^"\\\\]|\\\\.)*)"`, "gi");
const SINGLE_QUOTED_PAIR = new RegExp(`(["']?)\\b(${SECRET_NAMES})\\1(\\s*[:=]\\s*)'([^']*)'`, "gi");
const BARE_PAIR = new RegExp(`(["']?)\\b(${SECRET_NAMES})\\1(\\s*[:=]\\s*)(?!["'\\[])([^"'\\s,;&}\\]]+)`, "gi");

// A PEM block (also JSON-escaped, also cut off), then any stray marker.
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g;
const PEM_MARKER = /-----(?:BEGIN|END)[A-Z0-9 ]*-----/g;
// "Basic realm=…" and "Basic auth" are words, not credentials.
const BASIC_OR_BEARER = /\b(Basic|Bearer)\s+(?!\[REDACTED\]|(?:realm|auth\w*)\b)[A-Za-z0-9+/=._~-]+/gi;
// Emails and UPI VPAs: local@domain; the masked form a***@x.com is left alone.
// Matched from the "@" (the local part is found by walking back, see
// maskEmails): a pattern starting at the local part would try every character
// of a long run without "@" as a start, quadratic in the run.
const AT_DOMAIN = /@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)/g;
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
// Card numbers: 13-19 digits, maybe split by single spaces or dashes, inside any text.
const CARD_CANDIDATE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;
// Phones and other long numbers (account numbers): 10-19 digits, maybe with
// +country code, wherever they stand: next to a letter or "_" too
// (`cust_9876543210`), since ids and free text glue them to words. Digits
// inside a UUID or a long hex digest (request ids, body hashes) are not
// personal data, so those tokens are matched first and kept whole.
const HEX_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32,128}";
const LONG_NUMBER = new RegExp(`(?<![0-9a-z])(?:${HEX_ID})(?![0-9a-z])|(?<!\\d)\\+?\\d(?:[ -]?\\d){9,18}(?!\\d)`, "gi");
const HEX_ID_WHOLE = new RegExp(`^(?:${HEX_ID})$`, "i");

const lastFour = (digits: string): string => `******${digits.replace(/\D/g, "").slice(-4)}`;

/** Masks known secrets, credentials, PEM blocks, card numbers, CVVs, emails and phone numbers in `text`. */
export function scrubText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of [...extraSecrets, ...rememberedSecrets()]) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  const credentialsMasked = out
    .replace(PEM_BLOCK, "[REDACTED PEM]")
    .replace(PEM_MARKER, "[REDACTED PEM]")
    .replace(QUOTED_PAIR, (_m, q: string, name: string, sep: string) => `${q}${name}${q}${sep}"${REDACTED}"`)
    .replace(SINGLE_QUOTED_PAIR, (_m, q: string, name: string, sep: string) => `${q}${name}${q}${sep}'${REDACTED}'`)
    .replace(BASIC_OR_BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(BARE_PAIR, (_m, q: string, name: string, sep: string) => `${q}${name}${q}${sep}${REDACTED}`);
  return maskEmails(credentialsMasked)
    .replace(CARD_CANDIDATE, (run) => (looksLikeCardNumber(run.replace(/\D/g, "")) ? lastFour(run) : run))
    .replace(LONG_NUMBER, (run) => (HEX_ID_WHOLE.test(run) ? run : `${run.startsWith("+") ? "+" : ""}${lastFour(run)}`));
}

/**
 * local@domain → l***@domain. The local part is the run of local-part
 * characters before each "@", walked back no further than the previous match
 * (and a run never contains "@"), so every character is visited a bounded
 * number of times: linear in the text.
 */
function maskEmails(text: string): string {
  let out = "";
  let copied = 0;
  for (const match of text.matchAll(AT_DOMAIN)) {
    const at = match.index;
    let start = at;
    while (start > copied && LOCAL_CHAR.test(text[start - 1]!)) start--;
    if (start === at) continue;
    out += `${text.slice(copied, start)}${text[start]}***@${match[1]}`;
    copied = at + match[0].length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
