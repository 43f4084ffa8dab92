import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ScalarType, type DescEnum, type DescField, type DescMessage, type DescOneof, type DescService } from "@bufbuild/protobuf";
import fc from "fast-check";

// Random well-typed requests for fuzzing (criteria 34-36), built from the
// generated descriptors so every field of every RPC is covered without a
// hand-written list: hostile strings, extreme and negative numbers, enum
// numbers the proto does not define, empty and missing fields.

const GEN_DIR = fileURLToPath(new URL("../../../../packages/proto/src/gen/payments/v1/", import.meta.url));

/** Every service the generated payments.v1 code defines. */
export async function paymentsServices(): Promise<DescService[]> {
  const services: DescService[] = [];
  for (const file of readdirSync(GEN_DIR).filter((f) => f.endsWith("_pb.ts")).sort()) {
    const mod = (await import(`@payments/proto/payments/v1/${file.replace(/\.ts$/, "")}`)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "service") services.push(value as DescService);
    }
  }
  return services;
}

export const HOSTILE_STRINGS = [
  "' OR 1=1--",
  "'; DROP TABLE orders;--",
  "../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "ord\r\nX-Injected: 1",
  "ord\u0000x",
  "ord%00",
  "оrder1", // Cyrillic о
  "ｏｒｄ１", // full-width
  "\u202Eevil",
  "\uFEFFord1",
  "\uD800",
  "${jndi:ldap://x/a}",
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  "https://shop.example.com@evil.example",
  "http://127.0.0.1:9/",
  "",
  " ",
  "a".repeat(300),
  "9".repeat(40),
  "-1",
  "NaN",
  "1e309",
  "INR",
  "ord1",
];

const string = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS),
    // Well-formed ids and keys reach the handlers, past validation.
    fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
  );

const INT64_EDGES = [0n, 1n, -1n, 100n, 100_000_000_001n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];

function scalar(type: ScalarType, longAsString: boolean): fc.Arbitrary<unknown> {
  const long = (arb: fc.Arbitrary<bigint>) => (longAsString ? arb.map(String) : arb);
  switch (type) {
    case ScalarType.STRING:
      return string();
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 64 });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308));
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 2 ** 32 - 1));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return long(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 64n - 1n)));
    default:
      return long(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(...INT64_EDGES)));
  }
}

/** Defined values and numbers the enum does not define (negative, just past the end, huge). */
const enumNumber = (desc: DescEnum): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(...desc.values.map((v) => v.number)), fc.constantFrom(-1, desc.values.length, 2 ** 31 - 1), fc.integer({ min: -1000, max: 1000 }));

const MAX_DEPTH = 3;

function fieldValue(field: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "scalar":
      return scalar(field.scalar, field.longAsString);
    case "enum":
      return enumNumber(field.enum);
    case "message":
      return message(field.message, depth + 1);
    case "list": {
      const item = field.listKind === "scalar" ? scalar(field.scalar, field.longAsString) : field.listKind === "enum" ? enumNumber(field.enum) : message(field.message, depth + 1);
      return fc.array(item, { maxLength: 3 });
    }
    case "map": {
      const value = field.mapKind === "scalar" ? scalar(field.scalar, false) : field.mapKind === "enum" ? enumNumber(field.enum) : message(field.message, depth + 1);
      const key = field.mapKey === ScalarType.STRING ? string() : fc.integer({ min: 0, max: 1000 }).map(String);
      return fc.dictionary(key, value, { maxKeys: 3 });
    }
  }
}

function oneof(member: DescOneof, depth: number): fc.Arbitrary<unknown> {
  return fc.oneof(...member.fields.map((f) => fieldValue(f, depth).map((value) => ({ case: f.localName, value }))));
}

/** An init object for `create(desc, init)`: any field may be missing; nested messages stop at depth 3. */
export function message(desc: DescMessage, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  if (depth > MAX_DEPTH) return fc.constant({});
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of desc.members) shape[member.localName] = member.kind === "oneof" ? oneof(member, depth) : fieldValue(member, depth);
  return fc.record(shape, { requiredKeys: [] });
}
