import { z } from "zod";
import { objectOf, scalarIn, textOf, timeIn, timeOf, type Wire } from "../fields.js";
import type { JuspayTime } from "../time.js";

// Small blocks several answers share: payment links and the client auth token.

export const PaymentLinksWire = z.looseObject({ web: scalarIn, mobile: scalarIn, iframe: scalarIn, expiry: timeIn });
export const ClientAuthTokenWire = z.looseObject({ client_auth_token: scalarIn, client_auth_token_expiry: timeIn });

export interface JuspayPaymentLinks {
  web: string | null;
  mobile: string | null;
  iframe: string | null;
  expiry: JuspayTime | null;
}

/** `juspay {client_auth_token, client_auth_token_expiry}` (options.get_client_auth_token=true). */
export interface JuspayClientAuthToken {
  token: string;
  expiry: JuspayTime | null;
}

export function toPaymentLinks(value: unknown): JuspayPaymentLinks | null {
  const w = objectOf(value);
  if (!w) return null;
  return { web: textOf(w["web"]), mobile: textOf(w["mobile"]), iframe: textOf(w["iframe"]), expiry: timeOf(w["expiry"]) };
}

export function toClientAuthToken(value: unknown): JuspayClientAuthToken | null {
  const w = objectOf(value);
  const token = textOf(w?.["client_auth_token"]);
  if (!w || token === null) return null;
  return { token, expiry: timeOf(w["client_auth_token_expiry"]) };
}

/** Top-level keys whose value Juspay masked as "FILTERED". */
export function maskedKeys(w: Wire): string[] {
  return Object.keys(w).filter((k) => w[k] === "FILTERED");
}
