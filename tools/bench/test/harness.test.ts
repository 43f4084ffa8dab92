import { describe, expect, it } from "vitest";
import { percentile, summarize } from "../src/measure/latency.js";
import { parseOpensslSignRate } from "../src/p1-signed-payloads/openssl-speed.js";
import { packageOf } from "../src/profile/summarize-profile.js";
import { mergeSections, readSections } from "../src/report/benchmarks-doc.js";

describe("latency summaries", () => {
  it("takes nearest-rank percentiles of unsorted samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    const summary = summarize(samples);
    expect(summary).toMatchObject({ count: 100, p50Ms: 50, p90Ms: 90, p99Ms: 99, maxMs: 100, meanMs: 50.5 });
    expect(percentile(Float64Array.from([3]), 99)).toBe(3);
    expect(summarize([]).p99Ms).toBeNaN();
  });
});

describe("openssl speed output", () => {
  it("reads the sign rate from the rsa 2048 line", () => {
    const output = ["                  sign    verify    sign/s verify/s", "rsa 2048 bits 0.000129s 0.000007s   7746.0 143996.7"].join("\n");
    expect(parseOpensslSignRate(output)).toBe(7746);
  });

  it("refuses output without the line", () => {
    expect(() => parseOpensslSignRate("rsa 4096 bits 0.001s 0.0001s 800.0 9000.0")).toThrow(/rsa 2048 bits/);
  });
});

describe("docs/benchmarks.md sections", () => {
  const IDS = ["p1", "p2", "p3", "p4", "p5"];
  it("replaces the measured sections, keeps the others, in P1..P5 order", () => {
    const first = mergeSections("", new Map([["p3", "three"], ["p1", "one"]]), IDS);
    expect([...readSections(first)]).toEqual([["p1", "one"], ["p3", "three"]]);
    const second = mergeSections(first, new Map([["p1", "one again"], ["p2", "two"]]), IDS);
    expect([...readSections(second)]).toEqual([["p1", "one again"], ["p2", "two"], ["p3", "three"]]);
    expect(second.startsWith("# Benchmarks")).toBe(true);
  });
});

describe("profile summaries", () => {
  it("names the package of a script", () => {
    expect(packageOf("file:///w/node_modules/@connectrpc/connect/dist/esm/x.js")).toBe("@connectrpc/connect");
    expect(packageOf("file:///w/node_modules/pg/lib/client.js")).toBe("pg");
    expect(packageOf("node:internal/streams/writable")).toBe("node:internal");
    expect(packageOf("file:///w/services/payments/dist/app/x.js")).toBe("services/payments");
    expect(packageOf("")).toBe("(v8/native)");
  });
});
