import type * as nodeCrypto from "node:crypto";
import { timingSafeEqual } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createBasicAuthVerifier, decodeBasicAuthorization } from "../src/webhooks/index.js";

// Count the constant-time comparisons to prove there is no early exit.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof nodeCrypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const compare = vi.mocked(timingSafeEqual);

const basic = (userPass: string): string => `Basic ${Buffer.from(userPass, "utf8").toString("base64")}`;

describe("createBasicAuthVerifier", () => {
  const verify = createBasicAuthVerifier([{ username: "juspay", password: "s3cret" }]);
  beforeEach(() => {
    compare.mockClear();
  });

  it("accepts the right pair, rejects a wrong user or password", () => {
    expect(verify(basic("juspay:s3cret"))).toBe(true);
    expect(verify(basic("juspay:s3creT"))).toBe(false);
    expect(verify(basic("Juspay:s3cret"))).toBe(false);
    expect(verify(basic("other:s3cret"))).toBe(false);
    expect(verify(basic("juspay:"))).toBe(false);
    expect(verify(basic(":s3cret"))).toBe(false);
  });

  it("handles inputs of any length (hashed to equal length before comparing)", () => {
    expect(verify(basic("j:s"))).toBe(false);
    expect(verify(basic(`juspay:${"x".repeat(2000)}`))).toBe(false);
    expect(verify(basic(`${"u".repeat(1000)}:s3cret`))).toBe(false);
    for (const call of compare.mock.calls) expect([call[0].byteLength, call[1].byteLength]).toEqual([32, 32]);
  });

  it("accepts any configured pair (rotation) and compares every pair every time", () => {
    const rotating = createBasicAuthVerifier([
      { username: "juspay", password: "old" },
      { username: "juspay", password: "new" },
      { username: "juspay2", password: "other" },
    ]);
    compare.mockClear();
    expect(rotating(basic("juspay:old"))).toBe(true);
    expect(compare).toHaveBeenCalledTimes(6); // user and password, for all three pairs, despite the first matching
    compare.mockClear();
    expect(rotating(basic("juspay:new"))).toBe(true);
    expect(rotating(basic("juspay2:other"))).toBe(true);
    expect(rotating(basic("juspay2:old"))).toBe(false); // no mixing user of one pair with password of another
    expect(rotating(basic("juspay:nope"))).toBe(false);
    expect(compare).toHaveBeenCalledTimes(24);
  });

  it("passwords may contain ':' (split at the first colon)", () => {
    const v = createBasicAuthVerifier([{ username: "u", password: "a:b:c" }]);
    expect(v(basic("u:a:b:c"))).toBe(true);
    expect(v(basic("u:a:b"))).toBe(false);
    expect(v(basic("u:a"))).toBe(false);
    expect(decodeBasicAuthorization(basic("u:a:b:c"))).toEqual({ username: "u", password: "a:b:c" });
  });

  it("handles non-ASCII credentials as UTF-8", () => {
    const v = createBasicAuthVerifier([{ username: "usér", password: "pässwörd₹" }]);
    expect(v(basic("usér:pässwörd₹"))).toBe(true);
    // The same text in Latin-1 is other bytes (and not valid UTF-8).
    expect(v(`Basic ${Buffer.from("usér:pässwörd", "latin1").toString("base64")}`)).toBe(false);
  });

  it("accepts the scheme in any case and extra spaces", () => {
    const token = Buffer.from("juspay:s3cret").toString("base64");
    expect(verify(`basic ${token}`)).toBe(true);
    expect(verify(`BASIC   ${token}`)).toBe(true);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["scheme only", "Basic"],
    ["scheme and space", "Basic "],
    ["other scheme", `Bearer ${Buffer.from("juspay:s3cret").toString("base64")}`],
    ["no space", `Basic${Buffer.from("juspay:s3cret").toString("base64")}`],
    ["raw credentials", "Basic juspay:s3cret"],
    ["bad base64 characters", "Basic anVzcGF5OnMzY3JldA*="],
    ["unpadded base64", "Basic anVzcGF5OnMzY3JldA"],
    ["base64url alphabet", `Basic ${Buffer.from("juspay:s3cret??>").toString("base64url")}`],
    ["non-canonical padding bits", "Basic YR=="],
    ["no colon", basic("juspays3cret")],
    ["trailing garbage", `${basic("juspay:s3cret")} extra`],
    ["two headers joined", `${basic("juspay:s3cret")}, ${basic("juspay:s3cret")}`],
    ["newline", `${basic("juspay:s3cret")}\n`],
    ["invalid UTF-8", `Basic ${Buffer.from([0x6a, 0x3a, 0xff]).toString("base64")}`],
    ["huge", `Basic ${"A".repeat(10_000)}`],
  ])("rejects a malformed header: %s", (_name, header) => {
    expect(verify(header)).toBe(false);
  });

  it("rejects unusable configurations", () => {
    expect(() => createBasicAuthVerifier([])).toThrow(/at least one/);
    expect(() => createBasicAuthVerifier([{ username: "", password: "p" }])).toThrow(/pair 0: username/);
    expect(() => createBasicAuthVerifier([{ username: "a:b", password: "p" }])).toThrow(/no ':'/);
    expect(() => createBasicAuthVerifier([{ username: "u", password: "p" }, { username: "u", password: "" }])).toThrow(/pair 1: password/);
  });

  it("configuration errors do not echo the password", () => {
    expect(() => createBasicAuthVerifier([{ username: "a:b", password: "hunter2" }])).toThrow(expect.objectContaining({ message: expect.not.stringContaining("hunter2") }));
  });
});
