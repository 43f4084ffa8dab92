import type { EnvReader } from "@payments/env-config";

// PAYLOAD_SESSION_*: how a second SESSION-flavour call for an order is
// answered (issue 17, point 8; ADR 0029). Juspay issues one Session API
// payload per order, so the service keeps it until it expires and hands it
// out again; after that the fallback decides.

/** What a SESSION-flavour call gets when Juspay already holds the order's session and its payload cannot be reused (issue 17, point 8). */
export type SessionFallback = "signature" | "refuse";

/** How Session API payloads are kept for a second call for the same order (optional in configs built in code). */
export interface SessionReuseSettings {
  /** Keep the payload until it expires and answer it again (PAYLOAD_SESSION_REUSE). */
  reuse: boolean;
  /** A kept payload is answered only while at least this much of it is left (PAYLOAD_SESSION_REUSE_MIN_VALIDITY_MS). */
  minValidityMs: number;
  /** Otherwise (PAYLOAD_SESSION_FALLBACK): a signed payload for the order, or ALREADY_EXISTS as Juspay's duplicate. */
  fallback: SessionFallback;
}

export const SESSION_REUSE_DEFAULTS: SessionReuseSettings = { reuse: true, minValidityMs: 5 * 60_000, fallback: "signature" };

/** The PAYLOAD_SESSION_* settings, each defaulting to SESSION_REUSE_DEFAULTS. */
export function readSessionReuse(read: EnvReader): SessionReuseSettings {
  return {
    reuse: read.oneOf("PAYLOAD_SESSION_REUSE", ["on", "off"] as const, SESSION_REUSE_DEFAULTS.reuse ? "on" : "off") === "on",
    minValidityMs: read.integer("PAYLOAD_SESSION_REUSE_MIN_VALIDITY_MS", SESSION_REUSE_DEFAULTS.minValidityMs, 0, 3_600_000),
    fallback: read.oneOf("PAYLOAD_SESSION_FALLBACK", ["signature", "refuse"] as const, SESSION_REUSE_DEFAULTS.fallback),
  };
}
