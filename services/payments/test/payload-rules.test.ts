import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail, errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { MandateAmountRule, MandateFrequency, MandateRuleType } from "@payments/proto/payments/v1/mandate_pb";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monthlyMandate, type MandateOptionsInit } from "./helpers/mandates.js";
import { sdkProcess } from "./helpers/sdk.js";
import { startStack, type Stack } from "./helpers/stack.js";

// What CreateProcessPayload refuses before writing anything: return URLs off
// the allow-list (criterion 37) and mandate options that break Juspay's rules
// (reference §2.8). Every refusal names the field and leaves no row.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ jobs: false, settings: { returnUrlOrigins: ["https://shop.example.com", "https://pay.example.com:8443"] } });
});
afterAll(async () => stack?.stop());

let n = 0;
function call(over: Record<string, unknown>) {
  n += 1;
  return stack.payloads.createProcessPayload({
    idempotencyKey: `rules-key-${n}`,
    orderId: `rules${n}`,
    amount: { amountMinor: 10_000n, currency: "INR" },
    customerId: "cust_r",
    ...over,
  });
}

async function refusal(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "should be refused").toBeDefined();
  return ConnectError.from(err);
}

async function orderCount(): Promise<number> {
  const rows = await stack.database.database.db.selectFrom("orders").select("order_id").execute();
  return rows.length;
}

describe("return_url allow-list (criterion 37)", () => {
  const refused = [
    "http://shop.example.com/done",
    "javascript:alert(1)",
    "data:text/html,hi",
    "https://shop.example.com@evil.example.net/done",
    "https://user:pw@shop.example.com/done",
    "https://shop.example.com.evil.example.net/done",
    "https://evil.example.net/done",
    "https://127.0.0.1/done",
    "https://2130706433/done",
    "https://[::1]/done",
    "https://localhost/done",
    "https://shop.example.com:444/done",
    "https://pay.example.com/done",
    "https://shop.example.com./done",
    "https:shop.example.com/done",
    "https://shop.example.com\\@evil.example.net/",
    "https://sub.shop.example.com/done",
    "ftp://shop.example.com/done",
  ];
  for (const url of refused) {
    it(`refuses ${url}`, async () => {
      const before = await orderCount();
      const err = await refusal(call({ returnUrl: url }));
      expect(err.code).toBe(Code.InvalidArgument);
      // The field rules catch some shapes first (INVALID_FIELD); the allow-list the rest.
      expect([ErrorReason.RETURN_URL_NOT_ALLOWED, ErrorReason.INVALID_FIELD]).toContain(errorReason(err));
      expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toContain("return_url");
      expect(await orderCount()).toBe(before);
    });
  }

  it("says RETURN_URL_NOT_ALLOWED for a well-formed https URL of another origin", async () => {
    const err = await refusal(call({ returnUrl: "https://evil.example.net/done" }));
    expect(errorReason(err)).toBe(ErrorReason.RETURN_URL_NOT_ALLOWED);
  });

  for (const url of ["https://shop.example.com/done", "https://SHOP.example.com/a/b", "https://shop.example.com", "https://pay.example.com:8443/x"]) {
    it(`accepts ${url} and never fetches it`, async () => {
      const res = await call({ returnUrl: url });
      expect(res.orderId).not.toBe("");
      // The only HTTP client is Juspay's, behind the egress guard: nothing tried to reach the URL.
      expect(stack.logs.filter((l) => l.msg === "outbound request to a host other than Juspay refused")).toEqual([]);
    });
  }
});

const monthly = monthlyMandate;

describe("mandate options", () => {
  const cases: [string, MandateOptionsInit, string][] = [
    ["rule_value 8 for WEEKLY", monthly({ frequency: MandateFrequency.WEEKLY, ruleValue: 8 }), "mandate.rule_value"],
    ["rule_value 17 for FORTNIGHTLY", monthly({ frequency: MandateFrequency.FORTNIGHTLY, ruleValue: 17 }), "mandate.rule_value"],
    ["no rule_value for MONTHLY", monthly({ ruleValue: 0 }), "mandate.rule_value"],
    ["no rule_type for YEARLY", monthly({ frequency: MandateFrequency.YEARLY, ruleType: MandateRuleType.UNSPECIFIED }), "mandate.rule_type"],
    ["rule_value with DAILY", monthly({ frequency: MandateFrequency.DAILY, ruleType: MandateRuleType.UNSPECIFIED }), "mandate.rule_value"],
    ["rule_type with ASPRESENTED", monthly({ frequency: MandateFrequency.ASPRESENTED, ruleValue: 0 }), "mandate.rule_type"],
    ["FIXED max below the amount", monthly({ amountRule: MandateAmountRule.FIXED, maxAmount: { amountMinor: 9_999n, currency: "INR" } }), "mandate.max_amount"],
    ["max_amount in another currency", monthly({ maxAmount: { amountMinor: 500_000n, currency: "USD" } }), "mandate.max_amount.currency"],
    ["start tomorrow", monthly({ startTime: timestampFromDate(new Date(Date.now() + 2 * 86_400_000)) }), "mandate.start_time"],
    ["end before start", monthly({ endTime: timestampFromDate(new Date(Date.now() - 60_000)) }), "mandate.end_time"],
    ["block_funds on a recurring mandate", monthly({ blockFunds: true }), "mandate.block_funds"],
    ["not revokable on a recurring mandate", monthly({ revokableByCustomer: false }), "mandate.revokable_by_customer"],
  ];
  for (const [name, mandate, field] of cases) {
    it(`refuses ${name}, naming ${field}, without writing`, async () => {
      const before = await orderCount();
      const err = await refusal(call({ mandate }));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toContain(field);
      expect(await orderCount()).toBe(before);
    });
  }

  it("accepts valid options: a MANDATE_REGISTRATION row, mandate terms signed, and the simulator takes them", async () => {
    // A mandate's customer is created at Juspay first: an id of 8+ characters and a phone (Create Customer's rules).
    const res = await call({ mandate: monthly(), orderId: "mandok1", customerId: "cust_rules", customerPhone: "9876543210" });
    const row = await stack.database.database.db.selectFrom("orders").select(["order_type", "mandate_options"]).where("order_id", "=", "mandok1").executeTakeFirstOrThrow();
    expect(row.order_type).toBe("MANDATE_REGISTRATION");
    expect(row.mandate_options).toMatchObject({ frequency: "MONTHLY", ruleValue: 5, maxAmountMinor: "500000" });
    const signed = res.flavourDetails.case === "signed" ? res.flavourDetails.value : undefined;
    const details = JSON.parse(signed!.orderDetails) as Record<string, string>;
    expect(details).toMatchObject({ "options.create_mandate": "REQUIRED", "mandate.max_amount": "5000.00", "mandate.frequency": "MONTHLY", "mandate.rule_value": "5", "mandate.block_funds": "false" });
    expect(Number(details["mandate.end_date"]) - Number(details["mandate.start_date"])).toBeGreaterThan(29 * 365 * 86_400);
    expect((await sdkProcess(stack, res.payloadJson)).status).toBe("charged");
  });

  it("accepts ONETIME with funds blocked and no rule", async () => {
    const res = await call({ mandate: monthly({ frequency: MandateFrequency.ONETIME, ruleType: MandateRuleType.UNSPECIFIED, ruleValue: 0, blockFunds: true, revokableByCustomer: false }), customerId: "cust_rules", customerPhone: "9876543210" });
    expect(res.orderId).not.toBe("");
  });
});

// Issue 15, finding 4: field rules counted code points, the payload builder
// UTF-16 code units, and the row was committed before the build, so a
// 255-emoji description left an order no payload could ever be built for.
describe("whatever the payload builder would refuse is refused before the order is written", () => {
  async function orderRow(orderId: string) {
    return stack.database.database.db.selectFrom("orders").select("order_id").where("order_id", "=", orderId).executeTakeFirst();
  }

  it("a 255-emoji description is INVALID_ARGUMENT naming description, leaves no row, and the order_id stays usable", async () => {
    const err = await refusal(call({ orderId: "emoji1", idempotencyKey: "emoji-key-1", description: "😀".repeat(255) }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["description"]);
    expect(await orderRow("emoji1")).toBeUndefined();

    const ok = await call({ orderId: "emoji1", idempotencyKey: "emoji-key-2", description: "😀".repeat(127) });
    expect(ok.orderId).toBe("emoji1");
    expect(ok.flavourDetails.case === "signed" && JSON.parse(ok.flavourDetails.value.orderDetails)).toMatchObject({ description: "😀".repeat(127) });
    expect(await orderRow("emoji1")).toBeDefined();
  });
});

// Issue 17, point 5: Juspay's Create Order API says values with special
// characters belong in udf6-udf10 ("please use UDF 6 to 10"); the contract
// lets udf1-udf5 carry only A-Z a-z 0-9, space, "." "_" "-".
describe("udf1-udf5 without special characters", () => {
  it.each([["udf1", "a&b"], ["udf3", "user@example.com"], ["udf5", "caf\u00e9"], ["udf2", "a/b"]])("CreateProcessPayload refuses %s = %j, naming udfs.%s, without writing", async (udf, value) => {
    const before = await orderCount();
    const err = await refusal(call({ udfs: { [udf]: value } }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(errorReason(err)).toBe(ErrorReason.INVALID_FIELD);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual([`udfs.${udf}`]);
    expect(await orderCount()).toBe(before);
  });

  it("accepts plain udf1-udf5 and special characters in udf6-udf10, signed as given; the simulator takes them", async () => {
    const res = await call({ orderId: "udfok1", udfs: { udf1: "Plan A-1_x.y", udf6: "a&b <c> café", udf10: "user@example.com" } });
    const signed = res.flavourDetails.case === "signed" ? res.flavourDetails.value : undefined;
    expect(JSON.parse(signed!.orderDetails)).toMatchObject({ udf1: "Plan A-1_x.y", udf6: "a&b <c> café", udf10: "user@example.com" });
    expect((await sdkProcess(stack, res.payloadJson)).status).toBe("charged");
  });

  it("UpdateOrder refuses a special character in udf4, naming udfs.udf4", async () => {
    await call({ orderId: "udfupd1" });
    const err = await refusal(stack.orders.updateOrder({ idempotencyKey: "udf-upd-key-1", orderId: "udfupd1", udfs: { udf4: "x#y" } }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["udfs.udf4"]);
  });
});
