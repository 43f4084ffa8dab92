import { create, getOption, hasOption, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { rules as rulesOption } from "@payments/proto/payments/v1/field_rules_pb";
import {
  GetOrderStatusRequestSchema,
  GetRefundRequestSchema,
  ListRefundsRequestSchema,
  RefundOrderRequestSchema,
  UpdateOrderRequestSchema,
} from "@payments/proto/payments/v1/order_service_pb";
import { ExecuteMandateRequestSchema, SendPreDebitNotificationRequestSchema } from "@payments/proto/payments/v1/mandate_service_pb";
import { describe, expect, it } from "vitest";
import { findViolations, patternOf } from "../src/rpc/field-rules.js";
import { PAYMENTS_SERVICES } from "../src/rpc/routes.js";

const validRefund = {
  idempotencyKey: "refund-key-0001",
  orderId: "ord123",
  amount: { amountMinor: 1_000n, currency: "INR" },
};

describe("field rules", () => {
  it("accepts a valid request", () => {
    expect(findViolations(RefundOrderRequestSchema, create(RefundOrderRequestSchema, validRefund))).toEqual([]);
  });

  it("names every missing required field, nested messages included", () => {
    expect(findViolations(RefundOrderRequestSchema, create(RefundOrderRequestSchema, {}))).toEqual([
      { field: "idempotency_key", rule: "required", description: "is required" },
      { field: "order_id", rule: "required", description: "is required" },
      { field: "amount", rule: "required", description: "is required" },
    ]);
    const noCurrency = create(RefundOrderRequestSchema, { ...validRefund, amount: { amountMinor: 5n } });
    expect(findViolations(RefundOrderRequestSchema, noCurrency)).toEqual([
      { field: "amount.currency", rule: "required", description: "is required" },
    ]);
  });

  it("checks patterns without echoing the value", () => {
    for (const orderId of ["' OR 1=1--", "../etc", "ord\r\n1", "ord\u00001", "оrd1" /* Cyrillic o */]) {
      const violations = findViolations(GetOrderStatusRequestSchema, create(GetOrderStatusRequestSchema, { orderId }));
      expect(violations).toEqual([{ field: "order_id", rule: "pattern", description: "must match ^[A-Za-z0-9]{1,20}$" }]);
    }
  });

  it("refuses a value over max_len as too long, without running its pattern", () => {
    const violations = findViolations(GetOrderStatusRequestSchema, create(GetOrderStatusRequestSchema, { orderId: "!".repeat(21) }));
    expect(violations).toEqual([{ field: "order_id", rule: "max_len", description: "must be at most 20 UTF-16 code units, got 21" }]);
  });

  it("checks integer ranges, with bigint precision", () => {
    const amount = (amountMinor: bigint) =>
      findViolations(RefundOrderRequestSchema, create(RefundOrderRequestSchema, { ...validRefund, amount: { amountMinor, currency: "INR" } }));
    expect(amount(-1n)).toEqual([{ field: "amount.amount_minor", rule: "min", description: "must be at least 1" }]);
    expect(amount(100_000_000_000n)).toEqual([]);
    expect(amount(100_000_000_001n)).toEqual([{ field: "amount.amount_minor", rule: "max", description: "must be at most 100000000000" }]);
    expect(amount(2n ** 62n)).toHaveLength(1);
    expect(findViolations(ListRefundsRequestSchema, create(ListRefundsRequestSchema, { orderId: "o1", pageSize: 201 }))).toEqual([
      { field: "page_size", rule: "max", description: "must be at most 200" },
    ]);
  });

  it("requires a choice in a oneof marked required, and a value in the chosen field", () => {
    const check = (selector: Parameters<typeof create<typeof GetRefundRequestSchema>>[1]) =>
      findViolations(GetRefundRequestSchema, create(GetRefundRequestSchema, selector));
    expect(check({})).toEqual([{ field: "selector", rule: "required", description: "needs one of refund_id, unique_request_id" }]);
    expect(check({ selector: { case: "refundId", value: "" } })).toEqual([
      { field: "refund_id", rule: "required", description: "is selected but empty" },
    ]);
    expect(check({ selector: { case: "uniqueRequestId", value: "abc123" } })).toEqual([]);
  });

  it("counts string length in UTF-16 code units, as the payload builder and Juspay's SDK do (ADR 0021)", () => {
    const reason = (text: string) =>
      findViolations(RefundOrderRequestSchema, create(RefundOrderRequestSchema, { ...validRefund, reason: text }));
    expect(reason("é".repeat(255))).toEqual([]);
    expect(reason(`${"😀".repeat(127)}a`)).toEqual([]);
    expect(reason("😀".repeat(128))).toEqual([{ field: "reason", rule: "max_len", description: "must be at most 255 UTF-16 code units, got 256" }]);
  });
});

describe("the rules written in the contract", () => {
  const fields = [...allRequestMessages()].flatMap((m) => m.fields.map((f) => [m, f] as const));
  const annotated = fields.filter(([, f]) => hasOption(f, rulesOption));

  it("are present on the requests (the option survives code generation)", () => {
    expect(annotated.length).toBeGreaterThan(20);
  });

  it.each(annotated.map(([m, f]) => [`${m.typeName}.${f.name}`, f] as const))("%s: rules fit the field's type", (_name, field) => {
    const rules = getOption(field, rulesOption);
    const scalar = field.fieldKind === "list" ? field.scalar : field.fieldKind === "scalar" ? field.scalar : undefined;
    const isString = scalar === 9; // ScalarType.STRING
    const isBytes = scalar === 12; // ScalarType.BYTES
    const isInteger = scalar !== undefined && !isString && !isBytes && scalar !== 8 /* BOOL */ && scalar !== 1 && scalar !== 2;
    if (rules.pattern !== "") {
      expect(isString, "pattern needs a string field").toBe(true);
      expect(() => patternOf(rules.pattern)).not.toThrow();
      expect(rules.pattern.startsWith("^") && rules.pattern.endsWith("$"), "patterns are anchored").toBe(true);
    }
    if (rules.minLen !== undefined || rules.maxLen !== undefined) expect(isString || isBytes, "lengths need string or bytes").toBe(true);
    if (rules.min !== undefined || rules.max !== undefined) expect(isInteger, "ranges need an integer field").toBe(true);
    if (rules.maxItems !== undefined) expect(field.fieldKind === "list" || field.fieldKind === "map").toBe(true);
  });
});

/** Every request message of the four services, and the messages they contain. */
function* allRequestMessages(): Generator<DescMessage> {
  const seen = new Set<string>();
  function* visit(message: DescMessage): Generator<DescMessage> {
    if (seen.has(message.typeName)) return;
    seen.add(message.typeName);
    yield message;
    for (const field of message.fields as DescField[]) {
      if (field.message) yield* visit(field.message);
    }
  }
  for (const service of PAYMENTS_SERVICES) for (const method of service.methods) yield* visit(method.input);
}

// Issue 17, points 1 and 5: Juspay's own limits, written in the contract.
describe("Juspay's field limits in the contract", () => {
  it("udf1-udf5 take A-Z a-z 0-9, space . _ - only; udf6-udf10 take special characters", () => {
    const udfs = (u: Record<string, string>) => findViolations(UpdateOrderRequestSchema, create(UpdateOrderRequestSchema, { idempotencyKey: "udf-key-0001", orderId: "ord1", udfs: u }));
    expect(udfs({ udf1: "Plan A-1_x.y", udf6: "a&b <c> café", udf10: "u@example.com" })).toEqual([]);
    for (const udf of ["udf1", "udf2", "udf3", "udf4", "udf5"]) {
      expect(udfs({ [udf]: "a&b" }).map((v) => [v.field, v.rule])).toEqual([[`udfs.${udf}`, "pattern"]]);
    }
  });

  it("pre-debit notification ids are 1-25 alphanumerics, descriptions at most 50, invoice numbers 1-25 alphanumerics", () => {
    const notify = (over: Record<string, string>) =>
      findViolations(SendPreDebitNotificationRequestSchema, create(SendPreDebitNotificationRequestSchema, { idempotencyKey: "pdn-key-0001", mandateId: "md1", notificationId: "n1", amount: { amountMinor: 100n, currency: "INR" }, debitTime: { seconds: 2_000_000_000n }, ...over })).map((v) => v.field);
    expect(notify({ notificationId: "A".repeat(25), description: "d".repeat(50) })).toEqual([]);
    expect(notify({ notificationId: "A".repeat(26) })).toEqual(["notification_id"]);
    expect(notify({ notificationId: "pdn_1" })).toEqual(["notification_id"]);
    expect(notify({ description: "d".repeat(51) })).toEqual(["description"]);
    const execute = (over: Record<string, string>) =>
      findViolations(ExecuteMandateRequestSchema, create(ExecuteMandateRequestSchema, { idempotencyKey: "exe-key-0001", mandateId: "md1", orderId: "e1", amount: { amountMinor: 100n, currency: "INR" }, ...over })).map((v) => v.field);
    expect(execute({ notificationId: "n".repeat(25), displayInvoiceNumber: "I".repeat(25) })).toEqual([]);
    expect(execute({ notificationId: "pdn-1", displayInvoiceNumber: "INV/2026/1" })).toEqual(["notification_id", "display_invoice_number"]);
  });
});
