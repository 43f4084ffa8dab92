import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { inspect } from "node:util";
import { SigningKeyError } from "./errors.js";

// The merchant's RSA keys for HyperSDK signatures (reference §3.6). Rotation:
// upload a new public key on Juspay's dashboard (it yields a new
// merchantKeyId), list the new key here as active, keep the old one listed
// until no payload signed with it can still be in flight (~15 minutes).

/** One key as configured: the dashboard's merchantKeyId and the private key PEM (PKCS#1 or PKCS#8). */
export interface SigningKeyConfig {
  keyId: string;
  privateKeyPem: string;
  /** Exactly one key is active; a lone key is active without saying so. */
  active?: boolean;
}

/** What ops may see about a key: never private material. */
export interface SigningKeyInfo {
  keyId: string;
  active: boolean;
  modulusLength: number;
  /** SHA-256 of the public key's SPKI DER, hex: matches `openssl pkey -pubout -outform DER | sha256sum`. */
  publicKeyFingerprint: string;
  /** The public key to upload on the dashboard (SPKI PEM). */
  publicKeyPem: string;
}

/** A parsed key. The private KeyObject is reachable only inside this package. */
export class SigningKey {
  constructor(
    readonly keyId: string,
    readonly publicKey: KeyObject,
    readonly modulusLength: number,
  ) {}
}

const MIN_MODULUS_BITS = 2048;
const KEY_ID = /^[\x21-\x7e]{1,128}$/; // printable ASCII: safe to name in errors and logs

const privateKeys = new WeakMap<SigningKey, KeyObject>();

/** The private KeyObject of a key; internal to this package (not re-exported). */
export function privateKeyOf(key: SigningKey): KeyObject {
  const privateKey = privateKeys.get(key);
  if (privateKey === undefined) throw new SigningKeyError(key.keyId, "not created by SigningKeys");
  return privateKey;
}

function parseKey(config: SigningKeyConfig): SigningKey {
  const { keyId, privateKeyPem } = config;
  let privateKey: KeyObject;
  try {
    if (typeof privateKeyPem !== "string") throw new TypeError();
    privateKey = createPrivateKey({ key: privateKeyPem, format: "pem" });
  } catch {
    // The cause is dropped on purpose: OpenSSL messages may quote the input.
    throw new SigningKeyError(keyId, "privateKeyPem is not a readable unencrypted PEM private key");
  }
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new SigningKeyError(keyId, `must be an RSA key (got ${privateKey.asymmetricKeyType ?? "unknown"})`);
  }
  const modulusLength = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusLength < MIN_MODULUS_BITS) {
    throw new SigningKeyError(keyId, `must be at least ${MIN_MODULUS_BITS} bits (got ${modulusLength})`);
  }
  const key = new SigningKey(keyId, createPublicKey(privateKey), modulusLength);
  privateKeys.set(key, privateKey);
  return key;
}

/** The configured signing keys: PEMs parsed once, validated at construction. */
export class SigningKeys {
  readonly #keys: readonly SigningKey[];
  readonly #active: SigningKey;

  constructor(configs: readonly SigningKeyConfig[]) {
    if (!Array.isArray(configs) || configs.length === 0) throw new SigningKeyError(undefined, "at least one key is required");
    const seen = new Set<string>();
    for (const config of configs) {
      // An id that is not a short printable string may be a misplaced secret: not echoed.
      if (typeof config.keyId !== "string" || !KEY_ID.test(config.keyId)) {
        throw new SigningKeyError(undefined, "every keyId must be 1-128 printable ASCII characters");
      }
      if (seen.has(config.keyId)) throw new SigningKeyError(config.keyId, "listed twice");
      seen.add(config.keyId);
    }
    const actives = configs.filter((c) => c.active === true);
    if (configs.length > 1 && actives.length !== 1) {
      throw new SigningKeyError(undefined, `exactly one key must be marked active (found ${actives.length})`);
    }
    if (configs.length === 1 && configs[0]!.active === false) throw new SigningKeyError(configs[0]!.keyId, "the only key cannot be inactive");
    this.#keys = configs.map(parseKey);
    const activeId = (actives[0] ?? configs[0]!).keyId;
    this.#active = this.#keys.find((k) => k.keyId === activeId)!;
  }

  /** The key new payloads are signed with. */
  active(): SigningKey {
    return this.#active;
  }

  /** A listed key by merchantKeyId (e.g. to verify a payload signed before a rotation). */
  get(keyId: string): SigningKey | undefined {
    return this.#keys.find((k) => k.keyId === keyId);
  }

  /** Every listed key, for an ops view; public material only. */
  list(): SigningKeyInfo[] {
    return this.#keys.map((k) => ({
      keyId: k.keyId,
      active: k === this.#active,
      modulusLength: k.modulusLength,
      publicKeyFingerprint: createHash("sha256").update(k.publicKey.export({ type: "spki", format: "der" })).digest("hex"),
      publicKeyPem: k.publicKey.export({ type: "spki", format: "pem" }).toString(),
    }));
  }

  // Logging or serialising the holder shows ids only.
  toJSON(): { activeKeyId: string; keyIds: string[] } {
    return { activeKeyId: this.#active.keyId, keyIds: this.#keys.map((k) => k.keyId) };
  }

  [inspect.custom](): string {
    return `SigningKeys ${JSON.stringify(this.toJSON())}`;
  }
}
