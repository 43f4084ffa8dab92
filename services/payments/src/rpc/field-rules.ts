import { getOption, hasOption, type DescField, type DescMessage, type DescOneof, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { oneof_rules as oneofRules, rules as rulesOption, type FieldRules } from "@payments/proto/payments/v1/field_rules_pb";
import { checkWellKnownMessage, type MessageRuleOptions } from "./message-rules.js";

// Checks a message against the `(payments.v1.rules)` options written in the
// proto, recursively, and each Timestamp and Money in it (message-rules.ts). This is the one validation layer every RPC goes
// through (see validation-interceptor.ts); handlers can rely on it.

export interface FieldViolation {
  /** Proto field path, e.g. "amount.currency" or "headers[2].name". */
  field: string;
  /** The FieldRules name that failed ("required", "pattern", ...), or "enum". */
  rule: "required" | "min_len" | "max_len" | "pattern" | "min" | "max" | "max_items" | "enum" | "custom";
  /** What is wrong, without the rejected value (it may be personal data). */
  description: string;
}

type Scalar = string | number | bigint | boolean | Uint8Array;

/** Every rule the message breaks; empty when it is valid. */
export function findViolations(desc: DescMessage, message: Message, options: MessageRuleOptions = {}): FieldViolation[] {
  const out: FieldViolation[] = [];
  checkMessage(reflect(desc, message), "", out, options);
  return out;
}

function checkMessage(msg: ReflectMessage, prefix: string, out: FieldViolation[], options: MessageRuleOptions): void {
  for (const oneof of msg.desc.oneofs) {
    if (oneofRequired(oneof) && msg.oneofCase(oneof) === undefined) {
      out.push({ field: prefix + oneof.name, rule: "required", description: `needs one of ${oneof.fields.map((f) => f.name).join(", ")}` });
    }
  }
  for (const field of msg.fields) {
    const path = prefix + field.name;
    const rules = rulesOf(field);
    const set = msg.isSet(field);
    if (rules?.required && !set) {
      out.push({ field: path, rule: "required", description: "is required" });
      continue;
    }
    if (!set) continue;
    switch (field.fieldKind) {
      case "scalar": {
        const value = msg.get(field) as Scalar;
        // A chosen oneof member is chosen to carry a value: empty is no value.
        if (field.oneof && (value === "" || (value instanceof Uint8Array && value.length === 0))) {
          out.push({ field: path, rule: "required", description: "is selected but empty" });
        } else if (rules) {
          checkScalar(value, rules, path, out);
        }
        break;
      }
      case "enum":
        checkEnum(field, msg.get(field) as number, path, out);
        break;
      case "message":
        checkWellKnownMessage(msg.get(field) as ReflectMessage, path, options, out);
        checkMessage(msg.get(field) as ReflectMessage, `${path}.`, out, options);
        break;
      case "list": {
        const list = msg.get(field);
        if (rules?.maxItems !== undefined && list.size > rules.maxItems) {
          out.push({ field: path, rule: "max_items", description: `must have at most ${rules.maxItems} items, has ${list.size}` });
        }
        let i = 0;
        for (const item of list) {
          const itemPath = `${path}[${i++}]`;
          if (field.listKind === "message") {
            checkWellKnownMessage(item as ReflectMessage, itemPath, options, out);
            checkMessage(item as ReflectMessage, `${itemPath}.`, out, options);
          }
          else if (field.listKind === "enum") checkEnum(field, item as number, itemPath, out);
          else if (rules) checkScalar(item as Scalar, rules, itemPath, out);
        }
        break;
      }
      case "map": {
        const map = msg.get(field);
        if (rules?.maxItems !== undefined && map.size > rules.maxItems) {
          out.push({ field: path, rule: "max_items", description: `must have at most ${rules.maxItems} entries, has ${map.size}` });
        }
        if (field.mapKind === "message") {
          for (const [key, value] of map) {
            checkWellKnownMessage(value as ReflectMessage, `${path}[${String(key)}]`, options, out);
            checkMessage(value as ReflectMessage, `${path}[${String(key)}].`, out, options);
          }
        }
        break;
      }
    }
  }
}

function checkScalar(value: Scalar, rules: FieldRules, path: string, out: FieldViolation[]): void {
  if (typeof value === "string" || value instanceof Uint8Array) {
    // UTF-16 code units for strings: the unit Juspay's JavaScript SDK and our
    // payload builder count (ADR 0021), and O(1) to read. Bytes for bytes.
    const length = value.length;
    const unit = typeof value === "string" ? "UTF-16 code units" : "bytes";
    if (length === 0) return;
    const tooShort = rules.minLen !== undefined && length < rules.minLen;
    const tooLong = rules.maxLen !== undefined && length > rules.maxLen;
    if (tooShort) out.push({ field: path, rule: "min_len", description: `must be at least ${rules.minLen} ${unit}, got ${length}` });
    if (tooLong) out.push({ field: path, rule: "max_len", description: `must be at most ${rules.maxLen} ${unit}, got ${length}` });
    // A value that broke a length rule is refused already: its pattern never
    // runs, so no pattern sees more than max_len characters of a hostile value.
    if (tooShort || tooLong) return;
    if (typeof value === "string" && rules.pattern !== "" && !patternOf(rules.pattern).test(value)) {
      // The value itself is not echoed: it may be personal data.
      out.push({ field: path, rule: "pattern", description: `must match ${rules.pattern}` });
    }
    return;
  }
  if (typeof value === "number" || typeof value === "bigint") {
    const n = BigInt(value);
    if (rules.min !== undefined && n < rules.min) out.push({ field: path, rule: "min", description: `must be at least ${rules.min}` });
    if (rules.max !== undefined && n > rules.max) out.push({ field: path, rule: "max", description: `must be at most ${rules.max}` });
  }
}

function checkEnum(field: DescField, value: number, path: string, out: FieldViolation[]): void {
  const enumDesc = field.enum;
  if (enumDesc && !enumDesc.values.some((v) => v.number === value)) {
    out.push({ field: path, rule: "enum", description: `has no value ${value} in ${enumDesc.typeName}` });
  }
}

// Descriptors and their options never change at run time, so each field's
// rules and each pattern are looked up once.
const rulesCache = new WeakMap<DescField, FieldRules | null>();
const patternCache = new Map<string, RegExp>();

function rulesOf(field: DescField): FieldRules | undefined {
  let rules = rulesCache.get(field);
  if (rules === undefined) {
    rules = hasOption(field, rulesOption) ? getOption(field, rulesOption) : null;
    rulesCache.set(field, rules);
  }
  return rules ?? undefined;
}

const oneofCache = new WeakMap<DescOneof, boolean>();

function oneofRequired(oneof: DescOneof): boolean {
  let required = oneofCache.get(oneof);
  if (required === undefined) {
    required = hasOption(oneof, oneofRules) && getOption(oneof, oneofRules).required === true;
    oneofCache.set(oneof, required);
  }
  return required;
}

export function patternOf(source: string): RegExp {
  let re = patternCache.get(source);
  if (!re) {
    re = new RegExp(source, "u");
    patternCache.set(source, re);
  }
  return re;
}
