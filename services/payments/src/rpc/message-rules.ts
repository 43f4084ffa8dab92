import type { ReflectMessage } from "@bufbuild/protobuf/reflect";
import type { FieldViolation } from "./field-rules.js";

// Rules that belong to a message type rather than to one field, checked
// wherever the type appears in a request: a Timestamp must be one protobuf
// can represent (and a Date can hold), and Money must be in a currency this
// deployment enabled (money.proto). Without them an out-of-range time became
// an invalid Date deep in a handler (INTERNAL, or a requested mandate end
// silently replaced by the default).

export interface MessageRuleOptions {
  /** ISO 4217 codes Money may carry; undefined = no currency restriction. */
  currencies?: readonly string[];
}

// google.protobuf.Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

export function checkWellKnownMessage(msg: ReflectMessage, path: string, options: MessageRuleOptions, out: FieldViolation[]): void {
  switch (msg.desc.typeName) {
    case "google.protobuf.Timestamp": {
      const seconds = BigInt(msg.get(msg.desc.field.seconds!) as bigint | number);
      const nanos = msg.get(msg.desc.field.nanos!) as number;
      if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
        out.push({ field: path, rule: "custom", description: "must be a valid timestamp between 0001-01-01 and 9999-12-31 UTC" });
      }
      return;
    }
    case "payments.v1.Money": {
      const currency = msg.get(msg.desc.field.currency!) as string;
      // An empty or malformed code already has its own violation from the field rules.
      if (options.currencies !== undefined && /^[A-Z]{3}$/.test(currency) && !options.currencies.includes(currency)) {
        out.push({ field: `${path}.currency`, rule: "custom", description: `is not a currency this service accepts (${options.currencies.join(", ")})` });
      }
      return;
    }
  }
}
