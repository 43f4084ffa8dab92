import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

// Juspay's API auth: HTTP Basic with the API key as the user name and an
// empty password (`key:`); Juspay's own Node SDK sends the key without the
// colon, so both are accepted. x-merchantid, when sent, must name our merchant.

export function apiKeyAccepted(headers: IncomingHttpHeaders, apiKey: string, merchantId: string): boolean {
  const header = headers.authorization ?? "";
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const key = decoded.endsWith(":") ? decoded.slice(0, -1) : decoded;
  if (!constantTimeEqual(key, apiKey)) return false;
  const merchant = headers["x-merchantid"];
  return merchant === undefined || merchant === merchantId;
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Compare equal-length buffers so the time does not reveal where they differ.
  return left.length === right.length ? timingSafeEqual(left, right) : (timingSafeEqual(left, left), false);
}
