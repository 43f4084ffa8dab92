import type { AccessConfig } from "../../src/auth/access-config.js";
import { sha256Hex, type Caller } from "../../src/auth/callers.js";
import { SCOPES } from "../../src/auth/scopes.js";

// Callers for tests. Every stack has the all-scopes caller below, with a
// quota and admission limits no test reaches unless it means to; tests of
// authentication add their own callers.

export const TEST_TOKEN = "test-token-all-scopes-0123456789";

export const TEST_CALLER: Caller = {
  id: "test-all",
  scopes: new Set(SCOPES),
  tokenSha256: [sha256Hex(TEST_TOKEN)],
  customerScoped: false,
  rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
};

export function testAccess(extra: Caller[] = [], limits: Partial<AccessConfig["limits"]> = {}, tls?: AccessConfig["tls"]): AccessConfig {
  return { callers: [TEST_CALLER, ...extra], limits: { unary: 10_000, webhooks: 10_000, streams: 10_000, eventStreams: 10_000, callerSharePercent: 100, maxStreamLifetimeMs: 3_600_000, ...limits }, ...(tls ? { tls } : {}) };
}

/** The CALLERS environment value for a service run as a process. */
export function testCallersEnv(): string {
  return JSON.stringify({ callers: [{ id: TEST_CALLER.id, scopes: [...SCOPES], token_sha256: TEST_CALLER.tokenSha256, rate_limit: { per_second: 1_000_000, burst: 1_000_000 } }] });
}
