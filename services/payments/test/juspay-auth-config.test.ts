import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { configProblems, validConfigEnv } from "./helpers/config-problems.js";

// JUSPAY_AUTH and the JWE key variables, as loadConfig reads them.

const valid = validConfigEnv();

const pem = (key: { export(o: { type: "pkcs8" | "spki"; format: "pem" }): string | Buffer }, type: "pkcs8" | "spki") => key.export({ type, format: "pem" }).toString();
const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
const juspay = generateKeyPairSync("rsa", { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), "juspay-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const privateFile = join(dir, "merchant.pem");
const publicFile = join(dir, "juspay.pem");
writeFileSync(privateFile, pem(merchant.privateKey, "pkcs8"));
writeFileSync(publicFile, pem(juspay.publicKey, "spki"));

const jwe = { JUSPAY_AUTH: "jwe", JUSPAY_JWE_KEY_ID: "key_0123456789abcdef0123456789abcdef", JUSPAY_JWE_PRIVATE_KEY_FILE: privateFile, JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: publicFile };

describe("JUSPAY_AUTH", () => {
  it("is basic by default", () => {
    expect(loadConfig(valid).juspay.auth).toEqual({ kind: "basic" });
  });

  it("jwe reads the key id and both keys from files, with RSA-OAEP-256 and the parts form by default", () => {
    expect(loadConfig({ ...valid, ...jwe }).juspay.auth).toEqual({
      kind: "jwe",
      keys: {
        keyId: jwe.JUSPAY_JWE_KEY_ID,
        merchantPrivateKeyPem: pem(merchant.privateKey, "pkcs8"),
        juspayPublicKeyPem: pem(juspay.publicKey, "spki"),
        oaep: "RSA-OAEP-256",
        wireForm: "parts",
      },
    });
    const inline = { JUSPAY_JWE_PRIVATE_KEY: pem(merchant.privateKey, "pkcs8").replace(/\n/g, "\\n"), JUSPAY_JWE_JUSPAY_PUBLIC_KEY: pem(juspay.publicKey, "spki") };
    const keys = loadConfig({ ...valid, ...jwe, JUSPAY_JWE_PRIVATE_KEY_FILE: "", JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: "", ...inline, JUSPAY_JWE_OAEP: "RSA-OAEP", JUSPAY_JWE_WIRE_FORM: "compact" }).juspay.auth;
    expect(keys).toMatchObject({ kind: "jwe", keys: { merchantPrivateKeyPem: pem(merchant.privateKey, "pkcs8"), oaep: "RSA-OAEP", wireForm: "compact" } });
  });

  it("jwe without its keys, with both forms of one, or with bad settings: every problem named", () => {
    expect(configProblems({ ...valid, JUSPAY_AUTH: "jwe" })).toEqual([
      "JUSPAY_JWE_KEY_ID: is required",
      "JUSPAY_JWE_PRIVATE_KEY: is required when JUSPAY_AUTH=jwe (or set JUSPAY_JWE_PRIVATE_KEY_FILE)",
      "JUSPAY_JWE_JUSPAY_PUBLIC_KEY: is required when JUSPAY_AUTH=jwe (or set JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE)",
    ]);
    const problems = configProblems({ ...valid, ...jwe, JUSPAY_JWE_PRIVATE_KEY: "x", JUSPAY_JWE_OAEP: "RSA1_5", JUSPAY_JWE_WIRE_FORM: "flat", JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: join(dir, "missing.pem") });
    expect(problems).toEqual([
      "JUSPAY_JWE_PRIVATE_KEY_FILE: set either JUSPAY_JWE_PRIVATE_KEY or JUSPAY_JWE_PRIVATE_KEY_FILE, not both",
      "JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: cannot be read",
      'JUSPAY_JWE_OAEP: must be one of RSA-OAEP-256, RSA-OAEP, got "RSA1_5"',
      'JUSPAY_JWE_WIRE_FORM: must be one of parts, compact, got "flat"',
    ]);
    expect(configProblems({ ...valid, JUSPAY_AUTH: "jws" })).toEqual(['JUSPAY_AUTH: must be one of basic, jwe, got "jws"']);
  });

  it("an unreadable or swapped key is refused at start, naming it without quoting it", () => {
    const swapped = configProblems({ ...valid, ...jwe, JUSPAY_JWE_PRIVATE_KEY_FILE: publicFile });
    expect(swapped).toEqual([`JUSPAY_AUTH: jwe keys: merchant private key for kid "${jwe.JUSPAY_JWE_KEY_ID}" is not a readable unencrypted PEM private key`]);
    const garbledFile = join(dir, "garbled.pem");
    writeFileSync(garbledFile, pem(juspay.publicKey, "spki").replace(/[A-Z]/g, "*"));
    expect(configProblems({ ...valid, ...jwe, JUSPAY_JWE_JUSPAY_PUBLIC_KEY_FILE: garbledFile })).toEqual([
      `JUSPAY_AUTH: jwe keys: Juspay public key for kid "${jwe.JUSPAY_JWE_KEY_ID}" is not a readable PEM public key`,
    ]);
  });
});
