import { constants, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildProcessPayload, SdkPayloadError, SigningKeys, signPayload, type SdkOrder } from "../src/sdk/index.js";
import { pemFragments, TEST_PRIVATE_PEM, TEST_PUBLIC_PEM } from "./helpers/sdk-keys.js";

// Property-style checks over many seeded random orders (reliability criterion
// 37): verify(sign(p)) holds, any one-byte change breaks it, and no private
// key material ever reaches a payload or an error.

const keys = new SigningKeys([{ keyId: "prop", privateKeyPem: TEST_PRIVATE_PEM }]);
const publicKey = createPublicKey(TEST_PUBLIC_PEM);
const FRAGMENTS = pemFragments(TEST_PRIVATE_PEM);
const RUNS = 150;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const TEXT = [...ALNUM, " ", '"', "\\", "/", "é", "₹", "—", "😀", "中", "<", "&", "'"];
/** What udf1-udf5 may carry (no special characters). */
const PLAIN = [...ALNUM, " ", ".", "_", "-"];

function randomOrder(next: () => number): SdkOrder {
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]) => items[int(0, items.length - 1)]!;
  const str = (alphabet: readonly string[], lo: number, hi: number) => Array.from({ length: int(lo, hi) }, () => pick(alphabet)).join("");
  const maybe = <T>(value: () => T) => (next() < 0.5 ? value() : undefined);
  const order: SdkOrder = {
    orderId: str([...ALNUM], 1, 20),
    amountMinor: pick([int(1, 99), int(100, 99_999), int(1, 2 ** 40)]),
    currency: pick(["INR", "INR", "USD", "JPY"]),
    customerId: pick(["", str([...ALNUM], 1, 30)]),
  };
  const extra: Partial<SdkOrder> = {
    customerEmail: maybe(() => `${str([...ALNUM], 1, 10)}@example.com`),
    customerPhone: maybe(() => String(int(6_000_000_000, 9_999_999_999))),
    description: maybe(() => str(TEXT, 0, 60).trim() || "d"),
    firstName: maybe(() => str(TEXT, 1, 20)),
    udfs: maybe(() => Array.from({ length: int(0, 10) }, (_, i) => str(i < 5 ? PLAIN : TEXT, 0, 30))),
    metadata: maybe(() => ({ [`k${int(0, 9)}`]: str(TEXT, 0, 20) })),
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) Object.assign(order, { [key]: value });
  return order;
}

const verifies = (data: Buffer, signature: Buffer): boolean => verify("sha256", data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);

describe("signed process payloads, random orders", () => {
  it(`verify(sign(p)) for ${RUNS} orders; any one-byte change fails; no key material`, async () => {
    const next = rng(0x5eed);
    for (let i = 0; i < RUNS; i++) {
      const order = randomOrder(next);
      const built = await buildProcessPayload({ merchantId: "m1", clientId: "c1", environment: "sandbox", order, keys });
      const data = Buffer.from(built.orderDetails, "utf8");
      const signature = Buffer.from(built.signature, "base64");
      expect(verifies(data, signature)).toBe(true);

      // The app's copy: parse the JSON it receives and check the same bytes.
      const sent = JSON.parse(built.payloadJson).payload;
      expect(verifies(Buffer.from(sent.orderDetails as string, "utf8"), Buffer.from(sent.signature as string, "base64"))).toBe(true);
      const details = JSON.parse(built.orderDetails);
      expect(details.order_id).toBe(order.orderId);
      expect(details.customer_id).toBe(order.customerId);
      expect(sent.amount).toBe(details.amount);
      expect(BigInt((details.amount as string).replace(".", ""))).toBe(BigInt(order.amountMinor));

      const at = Math.floor(next() * data.length);
      const tampered = Buffer.from(data);
      tampered[at] = (tampered[at]! + 1 + Math.floor(next() * 255)) % 256;
      expect(verifies(tampered, signature)).toBe(false);
      const badSig = Buffer.from(signature);
      const sigAt = Math.floor(next() * badSig.length);
      badSig[sigAt] = badSig[sigAt]! ^ (1 + Math.floor(next() * 255));
      expect(verifies(data, badSig)).toBe(false);

      for (const fragment of FRAGMENTS) expect(built.payloadJson).not.toContain(fragment);
      expect(built.payloadJson).not.toContain("PRIVATE KEY");
    }
  });

  it("errors carry no key material", async () => {
    const next = rng(7);
    for (let i = 0; i < 30; i++) {
      const order = { ...randomOrder(next), orderId: "bad id!" };
      const err = await buildProcessPayload({ merchantId: "m1", clientId: "c1", environment: "sandbox", order, keys }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SdkPayloadError);
      const shown = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ""}`;
      for (const fragment of FRAGMENTS) expect(shown).not.toContain(fragment);
    }
  });
});

describe("signPayload runs off the event loop", () => {
  it("the loop turns while a burst of signatures is in flight", async () => {
    let loopTurned = false;
    const burst = Array.from({ length: 32 }, (_, i) => signPayload(`payload ${i}`, keys).then((r) => ({ r, loopTurnedBefore: loopTurned })));
    // Registered after the calls: a synchronous signer would have finished them all already.
    setImmediate(() => {
      loopTurned = true;
    });
    const results = await Promise.all(burst);
    expect(results.some((x) => x.loopTurnedBefore)).toBe(true);
    for (const [i, { r }] of results.entries()) expect(verifies(Buffer.from(`payload ${i}`), Buffer.from(r.signature, "base64"))).toBe(true);
  });

  it("is deterministic (PKCS#1 v1.5): same text, same signature", async () => {
    const [a, b] = await Promise.all([signPayload("same", keys), signPayload("same", keys)]);
    expect(a.signature).toBe(b.signature);
  });
});
