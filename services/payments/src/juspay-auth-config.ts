import { readFileSync } from "node:fs";
import type { EnvReader } from "@payments/env-config";
import { JweError, parseJweKeys, type JweKeys } from "@payments/juspay";

// JUSPAY_AUTH: how the service authenticates to Juspay. "basic" (default):
// the API key as HTTP Basic on every route. "jwe": order status, order
// refund, session and txns go to Juspay's /v4 routes as JWE-encrypted,
// JWS-signed JSON (reference §5; keys from Dashboard → Security → JWT Keys);
// the other calls keep Basic auth, having no /v4 variant.

export type JuspayAuth = { kind: "basic" } | { kind: "jwe"; keys: JweKeys };

/** A PEM from NAME (text, "\n" escapes allowed) or NAME_FILE, exactly one of them. */
function readPem(read: EnvReader, name: string): string {
  const inline = read.optional(name);
  const file = read.optional(`${name}_FILE`);
  if (inline !== undefined && file !== undefined) {
    read.problem(`${name}_FILE`, `set either ${name} or ${name}_FILE, not both`);
    return "";
  }
  if (file !== undefined) {
    try {
      return readFileSync(file, "utf8");
    } catch {
      read.problem(`${name}_FILE`, "cannot be read");
      return "";
    }
  }
  if (inline === undefined) read.problem(name, `is required when JUSPAY_AUTH=jwe (or set ${name}_FILE)`);
  return inline?.replace(/\\n/g, "\n") ?? "";
}

export function readJuspayAuth(read: EnvReader): JuspayAuth {
  const kind = read.oneOf("JUSPAY_AUTH", ["basic", "jwe"] as const, "basic");
  if (kind === "basic") return { kind };
  const keys: JweKeys = {
    keyId: read.pattern("JUSPAY_JWE_KEY_ID", /^[\x21-\x7e]{1,128}$/, "the dashboard's JWT key id (printable ASCII, key_<32 hex>)"),
    merchantPrivateKeyPem: readPem(read, "JUSPAY_JWE_PRIVATE_KEY"),
    juspayPublicKeyPem: readPem(read, "JUSPAY_JWE_JUSPAY_PUBLIC_KEY"),
    // Juspay's SDKs disagree on the request's key wrapping and wire form (reference §5.1): settings.
    oaep: read.oneOf("JUSPAY_JWE_OAEP", ["RSA-OAEP-256", "RSA-OAEP"] as const, "RSA-OAEP-256"),
    wireForm: read.oneOf("JUSPAY_JWE_WIRE_FORM", ["parts", "compact"] as const, "parts"),
  };
  if (keys.merchantPrivateKeyPem !== "" && keys.juspayPublicKeyPem !== "") {
    try {
      parseJweKeys(keys);
    } catch (err) {
      // JweError names which key is wrong, never its content.
      read.problem("JUSPAY_AUTH", err instanceof JweError ? `jwe keys: ${err.message}` : "jwe keys cannot be read");
    }
  }
  return { kind, keys };
}
