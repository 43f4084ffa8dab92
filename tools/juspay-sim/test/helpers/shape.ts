import { readFileSync } from "node:fs";

// Key-by-key comparison of a Juspay fixture with what the simulator answered:
// every key of the fixture (recursively) must be present with the same JSON
// type. null in the fixture matches anything, as do Juspay's masked
// "FILTERED" strings. Extra keys in the answer are fine (Juspay adds keys too).

export type JsonType = "null" | "string" | "number" | "boolean" | "array" | "object";

export function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as JsonType;
}

export interface ShapeOptions {
  /** Paths (dotted; array items as `refunds[]`) that the simulator cannot produce, with the reason. */
  skip?: Record<string, string>;
  /** Fixture strings also match numbers/booleans (some Juspay samples stringify every scalar). */
  lenientScalars?: boolean;
}

/** The problems found, one line per path; [] when the answer has the fixture's shape. */
export function shapeProblems(fixture: unknown, actual: unknown, options: ShapeOptions = {}, path = ""): string[] {
  if (path !== "" && options.skip?.[path] !== undefined) return [];
  if (fixture === null || fixture === "FILTERED") return [];
  const want = jsonType(fixture);
  const got = jsonType(actual);
  if (actual === undefined) return [`${path || "(root)"}: missing (fixture has ${want})`];
  if (want !== got) {
    const stringly = options.lenientScalars && want === "string" && (got === "number" || got === "boolean");
    return stringly ? [] : [`${path || "(root)"}: ${got}, fixture has ${want}`];
  }
  if (want === "array") {
    const items = fixture as unknown[];
    const answer = actual as unknown[];
    if (items.length === 0) return [];
    if (answer.length === 0) return [`${path}[]: empty, fixture has items`];
    // Each fixture item must match some item of the answer; report against the closest one.
    return items.flatMap((item) =>
      answer.map((candidate) => shapeProblems(item, candidate, options, `${path}[]`)).reduce((best, next) => (next.length < best.length ? next : best)),
    );
  }
  if (want === "object") {
    const obj = fixture as Record<string, unknown>;
    const ans = actual as Record<string, unknown>;
    return Object.keys(obj).flatMap((key) => shapeProblems(obj[key], ans[key], options, path === "" ? key : `${path}.${key}`));
  }
  return [];
}

/** Reads a strict-JSON fixture from fixtures/juspay/. */
export function fixture(relative: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../../fixtures/juspay/${relative}`, import.meta.url), "utf8"));
}
