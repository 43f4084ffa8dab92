import { describe, expect, it } from "vitest";
import { formatMinorUnits, toMinorUnits, tryMinorUnits } from "../src/index.js";

describe("amounts → integer minor units", () => {
  it.each([
    ["100", 10_000],
    ["100.15", 10_015],
    ["100.1", 10_010],
    ["1.0", 100],
    ["0.01", 1],
    ["0", 0],
    ["007.50", 750],
    ["1476", 147_600],
    [1, 100],
    [100.5, 10_050],
    [100.15, 10_015],
    [0.29, 29], // 0.29 * 100 = 28.999999999999996 in float arithmetic
    [1.005 * 1, null], // "1.005": three decimals
    [19.99, 1_999],
    [1_234_567.89, 123_456_789],
  ] as const)("%s → %s", (input, expected) => {
    const result = tryMinorUnits(input, "INR");
    if (expected === null) expect(result.ok).toBe(false);
    else expect(result).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["100.155", /more than 2 decimals/],
    [100.155, /more than 2 decimals/],
    [0.1 + 0.2, /more than 2 decimals/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    [-1, /negative/],
    ["-1", /negative/],
    ["1e3", /plain decimal/],
    [1e21, /plain decimal/],
    ["", /plain decimal/],
    [" 1", /plain decimal/],
    ["1.", /plain decimal/],
    [".5", /plain decimal/],
    ["+1", /plain decimal/],
    ["FILTERED", /plain decimal/],
    ["99999999999999999", /too large/],
  ] as const)("rejects %s", (input, reason) => {
    const result = tryMinorUnits(input, "INR");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("rejects non-number, non-string input", () => {
    expect(tryMinorUnits(null, "INR").ok).toBe(false);
    expect(tryMinorUnits(true, "INR").ok).toBe(false);
    expect(() => toMinorUnits("abc", "INR")).toThrow(RangeError);
  });

  it("round-trips every amount of a sample range exactly (number and text forms)", () => {
    for (let minor = 0; minor < 200_000; minor += 7) {
      const text = formatMinorUnits(minor, "INR");
      expect(toMinorUnits(text, "INR")).toBe(minor);
      // The JSON number Juspay would send for it, e.g. 1234.56.
      expect(toMinorUnits(Number(text), "INR")).toBe(minor);
    }
    for (const minor of [1, 99, 100, 10_015, 9_007_199_254_740_991]) expect(toMinorUnits(formatMinorUnits(minor, "INR"), "INR")).toBe(minor);
  });

  it("formats minor units as Juspay's decimal text", () => {
    expect(formatMinorUnits(0, "INR")).toBe("0.00");
    expect(formatMinorUnits(5, "INR")).toBe("0.05");
    expect(formatMinorUnits(100, "INR")).toBe("1.00");
    expect(formatMinorUnits(10_015, "INR")).toBe("100.15");
    expect(() => formatMinorUnits(-1, "INR")).toThrow(RangeError);
    expect(() => formatMinorUnits(1.5, "INR")).toThrow(RangeError);
  });
});
