// In-process counters of what the bridge saw; exported as metrics later.
export interface BridgeCounters {
  received: number;
  rateLimited: number;
  authFailures: number;
  unsupportedMediaType: number;
  tooLarge: number;
  bodyTimeouts: number;
  clientErrors: number;
  forwarded: number;
  stored: number;
  duplicates: number;
  malformed: number;
  rejected: number;
  unavailable: number;
}

export function createCounters(): BridgeCounters {
  return {
    received: 0, rateLimited: 0, authFailures: 0, unsupportedMediaType: 0, tooLarge: 0, bodyTimeouts: 0, clientErrors: 0,
    forwarded: 0, stored: 0, duplicates: 0, malformed: 0, rejected: 0, unavailable: 0,
  };
}
