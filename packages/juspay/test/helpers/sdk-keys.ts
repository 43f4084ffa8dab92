import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Key material for the SDK, webhook and JWE tests. The golden pair is a
// checked-in TEST-ONLY key (see golden/README.md); others are generated.

export const GOLDEN_DIR = fileURLToPath(new URL("../golden/", import.meta.url));
export const TEST_PRIVATE_PEM = readFileSync(`${GOLDEN_DIR}test-key.pem`, "utf8");
export const TEST_PUBLIC_PEM = readFileSync(`${GOLDEN_DIR}test-key.pub.pem`, "utf8");

export interface PemPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateRsaPair(modulusLength = 2048): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** The base64 body of a PEM, i.e. what must never leak. */
export function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
}

/** A distinctive slice of the key material, for leak checks in longer text. */
export function pemFragments(pem: string): string[] {
  const body = pemBody(pem);
  return [body.slice(40, 80), body.slice(400, 440), body.slice(-80, -40)];
}
