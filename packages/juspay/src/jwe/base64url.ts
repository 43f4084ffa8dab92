import { JweError } from "./errors.js";

// base64url without padding (RFC 7515 §2); decoding is strict because Node's
// decoder silently skips characters outside the alphabet.

const B64URL = /^[A-Za-z0-9_-]*$/;

export const b64u = (data: Buffer | string): string => (typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64url");

export function fromB64u(text: unknown, part: string): Buffer {
  if (typeof text !== "string" || !B64URL.test(text) || text.length % 4 === 1) throw new JweError("malformed", `${part} is not base64url`);
  return Buffer.from(text, "base64url");
}
