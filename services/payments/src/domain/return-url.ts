// return_url policy (reliability criterion 37): Juspay sends the customer's
// browser there after a web/redirect payment, so it must be one of our own
// https origins. Two checks must both pass: the WHATWG parse (what a browser
// does) and a literal prefix match on the text (what a laxer parser at Juspay
// might do), so tricks that parse differently in different parsers
// (`https://allowed@evil`, `https:allowed`, backslashes, `allowed.evil.com`,
// ports, trailing dots) fail. The service never fetches the URL.

export type ReturnUrlVerdict = { ok: true } | { ok: false; description: string };

// Whitespace, controls and backslashes are read differently by different parsers.
const AMBIGUOUS = /[\s\\\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

const IPV4ISH = /^[\d.]+$/;

export function checkReturnUrl(value: string, allowedOrigins: readonly string[]): ReturnUrlVerdict {
  const refuse = (description: string): ReturnUrlVerdict => ({ ok: false, description });
  if (AMBIGUOUS.test(value)) return refuse("must not contain spaces, control characters or backslashes");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse("must be an absolute https URL");
  }
  if (url.protocol !== "https:") return refuse("must use https");
  if (url.username !== "" || url.password !== "") return refuse("must not contain credentials");
  const host = url.hostname;
  if (host === "localhost" || host.endsWith(".localhost") || IPV4ISH.test(host) || host.startsWith("[")) {
    return refuse("must name a host, not an IP address or localhost");
  }
  if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) return refuse("must not have a query string or fragment");
  const allowed = allowedOrigins.find((origin) => origin === url.origin);
  if (allowed === undefined) return refuse("is not on the allowed return URL origins");
  // The text itself must start with exactly that origin, followed by a path or nothing.
  const rest = value.slice(allowed.length);
  if (value.slice(0, allowed.length).toLowerCase() !== allowed.toLowerCase() || (rest !== "" && !rest.startsWith("/"))) {
    return refuse("is not on the allowed return URL origins");
  }
  return { ok: true };
}
