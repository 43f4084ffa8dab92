import { describe, expect, it } from "vitest";
import { parseJuspayTime, toEpochSeconds, toJuspayTime } from "../src/index.js";

const iso = (value: unknown) => parseJuspayTime(value)?.toISOString() ?? null;

describe("Juspay times", () => {
  it.each([
    ["2021-11-09T16:19:55Z", "2021-11-09T16:19:55.000Z"],
    ["2024-02-12T07:44:57.150265Z", "2024-02-12T07:44:57.150Z"],
    ["2016-08-02T08:07:52+0000", "2016-08-02T08:07:52.000Z"],
    ["2016-08-02T13:37:52+05:30", "2016-08-02T08:07:52.000Z"],
    ["2016-08-02T03:07:52-05:00", "2016-08-02T08:07:52.000Z"],
    ["2016-08-02 08:07:52", "2016-08-02T08:07:52.000Z"],
    ["2016-08-02T08:07:52", "2016-08-02T08:07:52.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["1598745600", "2020-08-30T00:00:00.000Z"],
    ["1800037800000", "2027-01-15T18:30:00.000Z"],
    [1598745600, "2020-08-30T00:00:00.000Z"],
    [1598745600000, "2020-08-30T00:00:00.000Z"],
  ] as const)("%s → %s", (input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it.each([
    "1111111T07:00:40Z",
    "RIPPIFILTEREDT14:32:05Z",
    "FILTERED",
    "2023-02-29T00:00:00Z",
    "2023-13-01T00:00:00Z",
    "2023-01-01T24:00:00Z",
    "2023-01-01T00:00:00+25:00",
    "yesterday",
    "",
    -5,
    1.5,
    Number.NaN,
  ])("%s → null", (input) => {
    expect(parseJuspayTime(input)).toBeNull();
  });

  it("keeps the raw value beside the parsed one and never throws", () => {
    expect(toJuspayTime("1111111T07:00:40Z")).toEqual({ raw: "1111111T07:00:40Z", at: null });
    expect(toJuspayTime("FILTERED")).toEqual({ raw: "FILTERED", at: null });
    expect(toJuspayTime("1598745600")).toEqual({ raw: "1598745600", at: new Date("2020-08-30T00:00:00Z") });
    expect(toJuspayTime(null)).toBeNull();
    expect(toJuspayTime(undefined)).toBeNull();
    expect(toJuspayTime({})).toBeNull();
  });

  it("writes epoch seconds for request fields", () => {
    expect(toEpochSeconds(new Date("2020-08-30T00:00:00.999Z"))).toBe("1598745600");
    expect(() => toEpochSeconds(new Date(Number.NaN))).toThrow(RangeError);
  });
});
