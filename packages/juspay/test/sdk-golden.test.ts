import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInitiatePayload, buildProcessPayload, SigningKeys, type SdkCommonInput, type SdkMandate, type SdkOrder } from "../src/sdk/index.js";
import { GOLDEN_DIR, TEST_PRIVATE_PEM } from "./helpers/sdk-keys.js";

// Golden vectors (golden/README.md): our builder and signer must reproduce
// the checked-in bytes, and the openssl command line must accept them.

const run = promisify(execFile);

interface Golden {
  description: string;
  kind: "process" | "initiate";
  keyId: string;
  input: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expected: { signedText: string; signature: string; payloadJson: string };
}

const files = (await readdir(GOLDEN_DIR)).filter((f) => f.endsWith(".json")).sort();
const goldens = await Promise.all(files.map(async (f) => [f, JSON.parse(await readFile(join(GOLDEN_DIR, f), "utf8")) as Golden] as const));

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "juspay-golden-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** `openssl dgst -sha256 -verify` over the exact bytes; true when openssl says "Verified OK". */
async function opensslVerifies(name: string, data: Buffer, signatureB64: string): Promise<boolean> {
  const dataFile = join(tmp, `${name}.txt`);
  const sigFile = join(tmp, `${name}.sig.bin`);
  await writeFile(dataFile, data);
  await writeFile(sigFile, Buffer.from(signatureB64, "base64"));
  try {
    const { stdout } = await run("openssl", ["dgst", "-sha256", "-verify", join(GOLDEN_DIR, "test-key.pub.pem"), "-signature", sigFile, dataFile]);
    return stdout.trim() === "Verified OK";
  } catch {
    return false; // openssl exits 1 on "Verification failure"
  }
}

async function rebuild(golden: Golden): Promise<{ signedText: string; signature: string; payloadJson: string }> {
  const keys = new SigningKeys([{ keyId: golden.keyId, privateKeyPem: TEST_PRIVATE_PEM }]);
  const { input } = golden;
  const common = { ...(input as SdkCommonInput & { customerId?: string; signed?: boolean }), now: new Date(input["now"] as number), keys };
  if (golden.kind === "initiate") {
    const built = await buildInitiatePayload(common);
    return { signedText: built.signaturePayload!, signature: built.signature!, payloadJson: built.payloadJson };
  }
  const m = input["mandate"] as (Omit<SdkMandate, "startDate" | "endDate"> & { startDate: string; endDate: string }) | undefined;
  const mandate = m && { ...m, startDate: new Date(m.startDate), endDate: new Date(m.endDate) };
  const built = await buildProcessPayload({ ...common, order: input["order"] as SdkOrder, ...(mandate && { mandate }) });
  return { signedText: built.orderDetails, signature: built.signature, payloadJson: built.payloadJson };
}

describe("golden vectors", () => {
  it("exist: basic, full, mandate and signed initiate", () => {
    expect(files).toEqual(["initiate-signed.json", "process-basic.json", "process-full.json", "process-mandate.json"]);
  });

  describe.each(goldens)("%s", (name, golden) => {
    it("openssl verifies the expected signature over the expected text", async () => {
      expect(await opensslVerifies(name, Buffer.from(golden.expected.signedText, "utf8"), golden.expected.signature)).toBe(true);
    });

    it("our builder reproduces the signed text, signature and payload byte for byte", async () => {
      const built = await rebuild(golden);
      expect(built.signedText).toBe(golden.expected.signedText);
      expect(built.signature).toBe(golden.expected.signature);
      expect(built.payloadJson).toBe(golden.expected.payloadJson);
      expect(built.signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/); // standard base64, no line breaks
    });

    it("the signed text inside payloadJson is exactly the expected text", () => {
      const payload = JSON.parse(golden.expected.payloadJson).payload;
      expect(payload[golden.kind === "process" ? "orderDetails" : "signaturePayload"]).toBe(golden.expected.signedText);
      expect(payload.signature).toBe(golden.expected.signature);
      expect(payload.merchantKeyId).toBe(golden.keyId);
    });

    it("openssl rejects the signature once one byte of the text changes", async () => {
      const data = Buffer.from(golden.expected.signedText, "utf8");
      const at = Math.floor(data.length / 2);
      data[at] = data[at]! ^ 0x01;
      expect(await opensslVerifies(`${name}-tampered`, data, golden.expected.signature)).toBe(false);
    });
  });
});
