import { createHash, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SigningKeyError, SigningKeys, signPayload, verifyPayloadSignature } from "../src/sdk/index.js";
import { generateRsaPair, pemFragments, TEST_PRIVATE_PEM, TEST_PUBLIC_PEM } from "./helpers/sdk-keys.js";

const second = generateRsaPair();

function expectKeyError(fn: () => unknown, keyId: string | undefined, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SigningKeyError);
    const e = err as SigningKeyError;
    expect(e.keyId).toBe(keyId);
    expect(e.message).toMatch(pattern);
    if (keyId !== undefined) expect(e.message).toContain(`"${keyId}"`);
    for (const pem of [TEST_PRIVATE_PEM, second.privateKeyPem]) for (const fragment of pemFragments(pem)) expect(e.message).not.toContain(fragment);
    return;
  }
  throw new Error("expected a SigningKeyError");
}

describe("SigningKeys", () => {
  it("a single key is active without a flag", () => {
    const keys = new SigningKeys([{ keyId: "2980", privateKeyPem: TEST_PRIVATE_PEM }]);
    expect(keys.active().keyId).toBe("2980");
    expect(keys.list()).toHaveLength(1);
  });

  it("signs with the active key and keeps older keys listed (rotation)", async () => {
    const keys = new SigningKeys([
      { keyId: "old", privateKeyPem: TEST_PRIVATE_PEM },
      { keyId: "new", privateKeyPem: second.privateKeyPem, active: true },
    ]);
    expect(keys.active().keyId).toBe("new");
    expect(keys.list().map((k) => [k.keyId, k.active])).toEqual([
      ["old", false],
      ["new", true],
    ]);
    expect(keys.get("old")?.keyId).toBe("old");
    expect(keys.get("nope")).toBeUndefined();
    const signed = await signPayload("hello", keys);
    expect(signed.merchantKeyId).toBe("new");
    expect(await verifyPayloadSignature("hello", signed.signature, second.publicKeyPem)).toBe(true);
    expect(await verifyPayloadSignature("hello", signed.signature, TEST_PUBLIC_PEM)).toBe(false);
  });

  it("list() shows public material only: fingerprint and SPKI PEM", () => {
    const keys = new SigningKeys([{ keyId: "k1", privateKeyPem: TEST_PRIVATE_PEM }]);
    const [info] = keys.list();
    expect(info?.modulusLength).toBe(2048);
    expect(info?.publicKeyPem.replace(/\s+/g, "")).toBe(TEST_PUBLIC_PEM.replace(/\s+/g, ""));
    const der = Buffer.from(TEST_PUBLIC_PEM.replace(/-----[^-]+-----|\s+/g, ""), "base64");
    expect(info?.publicKeyFingerprint).toBe(createHash("sha256").update(der).digest("hex"));
    const shown = [JSON.stringify(keys.list()), JSON.stringify(keys), inspect(keys), inspect(keys.active()), String(keys)].join("\n");
    for (const fragment of pemFragments(TEST_PRIVATE_PEM)) expect(shown).not.toContain(fragment);
    expect(shown).not.toContain("PRIVATE KEY");
  });

  it("accepts PKCS#1 PEMs (Juspay's snippets use them)", async () => {
    const pkcs1 = createPrivateKey(TEST_PRIVATE_PEM).export({ type: "pkcs1", format: "pem" }).toString();
    expect(pkcs1).toContain("BEGIN RSA PRIVATE KEY");
    const keys = new SigningKeys([{ keyId: "p1", privateKeyPem: pkcs1 }]);
    const { signature } = await signPayload("x", keys);
    expect(await verifyPayloadSignature("x", signature, TEST_PUBLIC_PEM)).toBe(true);
  });

  it("rejects unreadable PEMs without echoing them", () => {
    const mangled = TEST_PRIVATE_PEM.replace(/[A-Za-z]{8}/, "!!!!!!!!");
    expectKeyError(() => new SigningKeys([{ keyId: "bad", privateKeyPem: mangled }]), "bad", /not a readable/);
    expectKeyError(() => new SigningKeys([{ keyId: "pub", privateKeyPem: TEST_PUBLIC_PEM }]), "pub", /not a readable/);
    expectKeyError(() => new SigningKeys([{ keyId: "none", privateKeyPem: "" }]), "none", /not a readable/);
  });

  it("rejects non-RSA and short RSA keys", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expectKeyError(() => new SigningKeys([{ keyId: "ec", privateKeyPem: ec }]), "ec", /must be an RSA key \(got ec\)/);
    const short = generateRsaPair(1024).privateKeyPem;
    expectKeyError(() => new SigningKeys([{ keyId: "short", privateKeyPem: short }]), "short", /at least 2048 bits \(got 1024\)/);
  });

  it("rejects bad key sets", () => {
    expectKeyError(() => new SigningKeys([]), undefined, /at least one key/);
    const a = { keyId: "a", privateKeyPem: TEST_PRIVATE_PEM };
    const b = { keyId: "b", privateKeyPem: second.privateKeyPem };
    expectKeyError(() => new SigningKeys([a, b]), undefined, /exactly one key must be marked active \(found 0\)/);
    expectKeyError(() => new SigningKeys([{ ...a, active: true }, { ...b, active: true }]), undefined, /found 2/);
    expectKeyError(() => new SigningKeys([{ ...a, active: true }, { ...a }]), "a", /listed twice/);
    expectKeyError(() => new SigningKeys([{ ...a, active: false }]), "a", /cannot be inactive/);
  });

  it("never echoes a keyId that looks like a misplaced secret", () => {
    expectKeyError(() => new SigningKeys([{ keyId: TEST_PRIVATE_PEM, privateKeyPem: TEST_PRIVATE_PEM }]), undefined, /printable ASCII/);
    expectKeyError(() => new SigningKeys([{ keyId: "", privateKeyPem: TEST_PRIVATE_PEM }]), undefined, /printable ASCII/);
  });
});
