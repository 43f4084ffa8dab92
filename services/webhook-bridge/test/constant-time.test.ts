import type * as nodeCrypto from "node:crypto";
import { timingSafeEqual } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createAuthenticator } from "../src/basic-auth.js";
import { basic } from "./helpers.js";

// Criterion 26's constant-time proof, on the implementation the bridge runs
// (src/basic-auth.ts, used by startBridge): every comparison is of two
// 32-byte digests, and every configured pair is compared on every check —
// right, wrong, of another length, or no header at all — so neither the
// outcome nor the position of the matching pair changes the work done.

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof nodeCrypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const compare = vi.mocked(timingSafeEqual);

const PAIRS = [
  { username: "juspay", password: "old-password-1" },
  { username: "juspay", password: "new-password-22" },
  { username: "juspay2", password: "other-password-333" },
];

describe("the bridge's Basic-auth check", () => {
  const auth = createAuthenticator(PAIRS, { name: "x-webhook-secret", value: "shared-header-value" });
  beforeEach(() => {
    compare.mockClear();
  });

  it.each([
    ["the first pair", basic("juspay", "old-password-1"), true],
    ["the last pair", basic("juspay2", "other-password-333"), true],
    ["a wrong password of the same length", basic("juspay", "old-password-X"), false],
    ["a one-character password", basic("juspay", "o"), false],
    ["a 2,000-character password", basic("juspay", "o".repeat(2_000)), false],
    ["a user of one pair with the password of another", basic("juspay2", "old-password-1"), false],
    ["no header", undefined, false],
    ["another scheme", "Bearer abcdef", false],
    ["undecodable base64", "Basic ###", false],
  ])("%s: both parts of all three pairs compared, each as 32-byte digests", (_name, header, expected) => {
    expect(auth.checkAuthorization(header)).toBe(expected);
    expect(compare).toHaveBeenCalledTimes(6);
    for (const [a, b] of compare.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
  });

  it.each([
    ["the right value", "shared-header-value", true],
    ["a prefix of it", "shared-header", false],
    ["a much longer value", "shared-header-value".repeat(100), false],
    ["no header", undefined, false],
    ["a repeated header", ["shared-header-value", "shared-header-value"], false],
  ])("the required header, %s: one comparison of 32-byte digests", (_name, value, expected) => {
    expect(auth.checkRequiredHeader(value)).toBe(expected);
    expect(compare).toHaveBeenCalledTimes(1);
    for (const [a, b] of compare.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
  });
});
