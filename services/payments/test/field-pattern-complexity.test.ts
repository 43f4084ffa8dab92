import { create, getOption, hasOption, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { rules as rulesOption, type FieldRules } from "@payments/proto/payments/v1/field_rules_pb";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findViolations, patternOf } from "../src/rpc/field-rules.js";
import { PAYMENTS_SERVICES } from "../src/rpc/routes.js";

// Finding 1 of issue 15: every `pattern` in the contract is linear-time, and
// the validator never runs one on more than the field's max_len. A pattern
// with nested or overlapping quantifiers backtracks for seconds on a few
// hundred kilobytes (the old email pattern: 37 s on 200 KB), so each
// adversarial input is judged against a generous bound, not a tight one.
//
// Adversarial inputs are the classic shape: a prefix of a matching string,
// one of the pattern's own characters pumped to the maximum message size, and
// a tail that makes the match fail. Sizes grow by 4x from 16 characters, so a
// quadratic pattern fails at a few thousand characters in well under a second
// instead of hanging the run. The largest is 1 Mi characters, four times the
// default MAX_MESSAGE_BYTES (256 KiB, the red-team's 200 KB email fits in
// it); every input must be judged in 50 ms (a linear scan of 1 Mi characters
// takes a few ms; a quadratic pattern takes minutes there).

const BOUND_MS = 50;
const MAX_MESSAGE_CHARS = 1024 * 1024;
const SCREEN_CHARS = 16 * 1024;
const RUNGS = [16, 64, 256, 1024, 4096, 16_384, 65_536, 262_144, MAX_MESSAGE_CHARS];

interface PatternField {
  message: DescMessage;
  field: DescField;
  rules: FieldRules;
}

const fields = patternFields();
const patterns = [...new Set(fields.map((f) => f.rules.pattern))];

describe("patterns in the contract", () => {
  it("are all found, and every field with a pattern has a max_len", () => {
    expect(patterns.length).toBeGreaterThan(10);
    const unbounded = fields.filter((f) => f.rules.maxLen === undefined).map((f) => `${f.message.typeName}.${f.field.name}`);
    expect(unbounded).toEqual([]);
  });

  it.each(patterns)("%s is linear-time on adversarial inputs up to the maximum message size", (source) => {
    const re = patternOf(source);
    const cases = adversarialCases(source);
    // Screen every case at a moderate size; then take each prefix and pumped
    // character with its slowest tail to the full size.
    const worst = new Map<string, { case: AdversarialCase; ms: number }>();
    for (const c of cases) {
      const ms = judgeUpTo(re, source, c, SCREEN_CHARS);
      const key = `${c.prefix}\u0001${c.pump}`;
      if ((worst.get(key)?.ms ?? -1) < ms) worst.set(key, { case: c, ms });
    }
    for (const { case: c } of worst.values()) judgeUpTo(re, source, c, MAX_MESSAGE_CHARS);
  });
});

describe("the validator on the contract's fields", () => {
  // One field per distinct (pattern, max_len): the others are judged alike.
  const distinct = [...new Map(fields.map((f) => [`${f.rules.pattern} ${f.rules.maxLen}`, f])).values()];
  it.each(distinct.map((f) => [`${f.message.typeName}.${f.field.name}`, f] as const))("%s: inputs at exactly max_len and far beyond it are judged promptly", (_name, f) => {
    const maxLen = f.rules.maxLen!;
    const cases = adversarialCases(f.rules.pattern);
    // Every case at exactly max_len; far beyond it the content cannot matter
    // (the length alone refuses it), so one case.
    const inputs = [...cases.map((c) => [c, maxLen] as const), [cases[0]!, MAX_MESSAGE_CHARS] as const];
    for (const [c, length] of inputs) {
      const message = create(f.message);
      reflect(f.message, message).set(f.field, c.at(length));
      const ms = fastest(() => findViolations(f.message, message));
      expect(ms, `${describeCase(c)} at ${length} characters`).toBeLessThan(BOUND_MS);
    }
    // Too long is refused as too long, without a pattern verdict on it.
    const message = create(f.message);
    reflect(f.message, message).set(f.field, "a".repeat(maxLen + 1));
    const violations = findViolations(f.message, message).filter((v) => v.field === f.field.name);
    expect(violations.map((v) => v.rule)).toEqual(["max_len"]);
  });
});

interface AdversarialCase {
  prefix: string;
  pump: string;
  tail: string;
  /** The case stretched to `length` UTF-16 code units (the pump repeated). */
  at(length: number): string;
}

function adversarialCases(source: string): AdversarialCase[] {
  const own = ownCharacters(source);
  const prefixes = new Set([""]);
  for (const sample of samplesOf(source)) for (let i = 1; i <= sample.length; i++) prefixes.add(sample.slice(0, i));
  const tails = ["", ...own];
  const cases: AdversarialCase[] = [];
  for (const prefix of prefixes) {
    for (const pump of own) {
      for (const tail of tails) {
        const fixed = prefix.length + tail.length;
        cases.push({
          prefix,
          pump,
          tail,
          // join makes a flat string, so its flattening is not what gets timed.
          at: (length) => [prefix, pump.repeat(Math.max(0, Math.floor((length - fixed) / pump.length))), tail].join(""),
        });
      }
    }
  }
  return cases;
}

/** Times the case at every rung up to `limit`, failing at the first slow one; the time at the top. */
function judgeUpTo(re: RegExp, source: string, c: AdversarialCase, limit: number): number {
  let ms = 0;
  for (const rung of RUNGS) {
    if (rung > limit) break;
    const input = c.at(rung);
    ms = fastest(() => re.test(input), BOUND_MS);
    expect(ms, `${source} on ${describeCase(c)} at ${rung} characters`).toBeLessThan(BOUND_MS);
  }
  return ms;
}

/** Best of up to three runs, stopping at the first fast one: a pause of the machine is not the pattern's cost. */
function fastest(run: () => unknown, bound = BOUND_MS): number {
  let best = Infinity;
  for (let i = 0; i < 3 && best >= bound; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function describeCase(c: AdversarialCase): string {
  return `${JSON.stringify(c.prefix)} + ${JSON.stringify(c.pump)}* + ${JSON.stringify(c.tail)}`;
}

/**
 * The characters a pattern is written with: its literals, what its escapes
 * stand for, and one member of each shorthand class; plus a letter, a digit,
 * a non-ASCII letter, an astral character and NUL.
 */
function ownCharacters(source: string): string[] {
  const out = new Set(["a", "0", "é", "😀", "\u0000"]);
  const shorthand: Record<string, string> = { s: " ", S: "a", d: "0", D: "a", w: "a", W: " ", n: "\n", t: "\t", r: "\r" };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch !== "\\") {
      out.add(ch);
      continue;
    }
    const next = source[i + 1] ?? "";
    if (next === "x") {
      out.add(String.fromCharCode(parseInt(source.slice(i + 2, i + 4), 16)));
      i += 3;
    } else {
      out.add(shorthand[next] ?? next);
      i += 1;
    }
  }
  return [...out];
}

/** A few short strings the pattern matches (their prefixes start the inputs). */
function samplesOf(source: string): string[] {
  const samples = fc.sample(fc.stringMatching(patternOf(source), { size: "xsmall" }), { numRuns: 30, seed: 15 });
  return [...new Set(samples.filter((s) => s.length > 0 && s.length <= 12))].sort((a, b) => a.length - b.length).slice(0, 1);
}

/** Every string field with a pattern in the requests of the four services, nested messages included. */
function patternFields(): PatternField[] {
  const out: PatternField[] = [];
  const seen = new Set<string>();
  const visit = (message: DescMessage): void => {
    if (seen.has(message.typeName)) return;
    seen.add(message.typeName);
    for (const field of message.fields) {
      if (hasOption(field, rulesOption)) {
        const rules = getOption(field, rulesOption);
        if (rules.pattern !== "") out.push({ message, field, rules });
      }
      if (field.message) visit(field.message);
    }
  };
  for (const service of PAYMENTS_SERVICES) for (const method of service.methods) visit(method.input);
  return out;
}
