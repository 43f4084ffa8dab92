import type { Caller } from "./callers.js";
import { sha256Hex } from "./callers.js";

// Finds the caller a bearer token, or a verified client certificate, belongs
// to. Tokens are looked up by their SHA-256: the service holds no token, and
// an unknown token costs one hash.

const BEARER = /^Bearer ([\x21-\x7e]{1,4096})$/i;

export class CallerRegistry {
  private readonly byHash = new Map<string, Caller>();
  private readonly byIdentity = new Map<string, Caller>();

  constructor(callers: readonly Caller[]) {
    for (const caller of callers) {
      for (const hash of caller.tokenSha256) this.byHash.set(hash, caller);
      for (const identity of caller.clientCertIdentities ?? []) this.byIdentity.set(identity, caller);
    }
  }

  /** The caller a verified client certificate's typed identities (`URI:…`, `DNS:…`, `CN=…`) belong to, or undefined; a value matches only an identity of its own type. */
  byCertificate(identities: readonly string[]): Caller | undefined {
    for (const identity of identities) {
      const caller = this.byIdentity.get(identity);
      if (caller !== undefined) return caller;
    }
    return undefined;
  }

  /** The caller presenting `authorization` (the header's value), or undefined. */
  authenticate(authorization: string | null): Caller | undefined {
    const match = authorization === null ? null : BEARER.exec(authorization.trim());
    if (match === null) return undefined;
    return this.byHash.get(sha256Hex(match[1] ?? ""));
  }
}
