import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { SigningKeys } from "@payments/juspay";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";

// Shared by the payload use cases: the configured keys, and how long a signed
// payload may be used. Juspay does not publish the window for Payment Page
// signatures (reference §3.6, UNCONFIRMED); its client auth tokens and the
// UPI SDK's signatures live 15 minutes, so we promise no more than that.

export const PAYLOAD_VALIDITY_MS = 15 * 60_000;

/**
 * Until when Juspay may still accept a payload signed at `signedAt`: longer
 * than what we promise the app, by the clock skew Juspay may allow (ADR 0025).
 * Recorded on the order row; its amount cannot change before then.
 */
export function signedPayloadExpiry(ctx: AppContext, signedAt: Date): Date {
  return new Date(signedAt.getTime() + ctx.settings.signedPayloadWindowMs);
}

/** The keys, or FAILED_PRECONDITION when the deployment has none (before anything is written). */
export function requireSigningKeys(ctx: AppContext): SigningKeys {
  if (ctx.signingKeys === null) {
    throw new AppError(
      "failed_precondition",
      ErrorReason.INTERNAL,
      "signature-flavour payloads need a signing key, and this service has none configured (JUSPAY_SIGNING_KEY_FILE): use flavour SESSION or ask the operators",
    );
  }
  return ctx.signingKeys;
}
