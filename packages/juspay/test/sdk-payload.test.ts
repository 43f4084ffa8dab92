import { describe, expect, it } from "vitest";
import {
  buildInitiatePayload,
  buildProcessPayload,
  formatMinorAmount,
  HYPERPAY_SERVICE,
  SdkPayloadError,
  SigningKeys,
  verifyPayloadSignature,
  type ProcessPayloadInput,
  type SdkMandate,
  type SdkOrder,
} from "../src/sdk/index.js";
import { TEST_PRIVATE_PEM, TEST_PUBLIC_PEM } from "./helpers/sdk-keys.js";

const keys = new SigningKeys([{ keyId: "2980", privateKeyPem: TEST_PRIVATE_PEM }]);
const NOW = new Date("2026-03-01T10:00:00.000Z");
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const order = (over: Partial<SdkOrder> = {}): SdkOrder => ({ orderId: "ord1", amountMinor: 12345, currency: "INR", customerId: "cst1", ...over });
const mandate = (over: Partial<SdkMandate> = {}): SdkMandate => ({
  createMandate: "REQUIRED",
  maxAmountMinor: 100000,
  amountRule: "VARIABLE",
  frequency: "MONTHLY",
  startDate: NOW,
  endDate: new Date("2027-03-01T10:00:00.000Z"),
  ...over,
});
const input = (over: Partial<ProcessPayloadInput> = {}): ProcessPayloadInput => ({
  merchantId: "m1",
  clientId: "c1",
  environment: "sandbox",
  order: order(),
  keys,
  now: NOW,
  ...over,
});

async function expectInvalid(promise: Promise<unknown>, field: string, reason?: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SdkPayloadError);
  expect((err as SdkPayloadError).field).toBe(field);
  if (reason) expect((err as SdkPayloadError).reason).toMatch(reason);
}

describe("formatMinorAmount", () => {
  it.each([
    [1, "INR", "0.01"],
    [5, "INR", "0.05"],
    [99, "INR", "0.99"],
    [100, "INR", "1.00"],
    [10050, "INR", "100.50"],
    [123456789, "USD", "1234567.89"],
    [Number.MAX_SAFE_INTEGER, "INR", "90071992547409.91"],
    [12345678901234567890n, "INR", "123456789012345678.90"],
    [500, "JPY", "500"],
  ] as const)("%s %s -> %s", (minor, currency, expected) => {
    expect(formatMinorAmount(minor, currency)).toBe(expected);
  });

  it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, 0n])("rejects %s", (minor) => {
    expect(() => formatMinorAmount(minor, "INR")).toThrow(SdkPayloadError);
  });

  it("rejects unknown shapes and three-decimal currencies", () => {
    expect(() => formatMinorAmount(1, "inr")).toThrow(/ISO 4217/);
    expect(() => formatMinorAmount(1, "KWD")).toThrow(/3 decimals/);
    expect(() => formatMinorAmount(1, "ABC")).toThrow(/not an ISO 4217 currency/);
  });
});

describe("buildProcessPayload", () => {
  it("builds the envelope of Juspay's sample around the exact signed orderDetails: customerMobile, language", async () => {
    const built = await buildProcessPayload(input({ order: order({ customerEmail: "a@b.co", customerPhone: "+919876543210" }) }));
    const { payload } = built;
    expect(payload.requestId).toMatch(UUID_V4);
    expect(payload.service).toBe(HYPERPAY_SERVICE);
    expect(payload.payload).toEqual({
      action: "paymentPage",
      merchantId: "m1",
      clientId: "c1",
      environment: "sandbox",
      orderId: "ord1",
      amount: "123.45",
      customerId: "cst1",
      customerEmail: "a@b.co",
      customerMobile: "+919876543210",
      currency: "INR",
      orderDetails: built.orderDetails,
      signature: built.signature,
      merchantKeyId: "2980",
      language: "english",
    });
    expect(JSON.parse(built.payloadJson)).toEqual(payload);
    expect(built.orderDetails).toBe(
      '{"order_id":"ord1","merchant_id":"m1","amount":"123.45","timestamp":"1772359200000","customer_id":"cst1","customer_email":"a@b.co","customer_phone":"+919876543210","currency":"INR"}',
    );
    expect(await verifyPayloadSignature(built.orderDetails, built.signature, TEST_PUBLIC_PEM)).toBe(true);
  });

  it("writes every optional field, udfs and metadata in a fixed order", async () => {
    const built = await buildProcessPayload(
      input({
        requestId: "req-1",
        order: order({
          returnUrl: "https://shop.example/r",
          description: "d",
          firstName: "F",
          lastName: "L",
          udfs: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
          metadata: { z: "1", "JUSPAY:gateway_reference_id": "g" },
        }),
        mandate: mandate({ ruleType: "BEFORE", ruleValue: 31, revokableByCustomer: false, blockFunds: true }),
      }),
    );
    expect(built.payload.requestId).toBe("req-1");
    const details = JSON.parse(built.orderDetails) as Record<string, string>;
    expect(Object.keys(details)).toEqual([
      "order_id", "merchant_id", "amount", "timestamp", "customer_id", "first_name", "last_name", "return_url", "currency", "description",
      "udf1", "udf2", "udf3", "udf4", "udf5", "udf6", "udf7", "udf8", "udf9", "udf10", "metadata.JUSPAY:gateway_reference_id", "metadata.z",
      "options.create_mandate", "mandate.max_amount", "mandate.amount_rule", "mandate.frequency", "mandate.rule_type", "mandate.rule_value",
      "mandate.start_date", "mandate.end_date", "mandate.revokable_by_customer", "mandate.block_funds",
    ]); // prettier-ignore
    expect(details).toMatchObject({
      udf10: "j",
      "mandate.max_amount": "1000.00",
      "mandate.rule_value": "31",
      "mandate.start_date": "1772359200",
      "mandate.end_date": "1803895200",
      "mandate.revokable_by_customer": "false",
      "mandate.block_funds": "true",
    });
    for (const value of Object.values(details)) expect(typeof value).toBe("string");
  });

  it("udf6-udf10 may carry special characters; udf1-udf5 letters, digits, space . _ -", async () => {
    const built = await buildProcessPayload(input({ order: order({ udfs: ["A1 b.c_d-e", "", "", "", "", "<tag>&amp; café"] }) }));
    expect(JSON.parse(built.orderDetails)).toMatchObject({ udf1: "A1 b.c_d-e", udf6: "<tag>&amp; café" });
  });

  it("a zero-decimal currency is written without decimals everywhere: orderDetails, mandate.max_amount and the envelope", async () => {
    const built = await buildProcessPayload(input({ order: order({ amountMinor: 500, currency: "JPY" }), mandate: mandate({ maxAmountMinor: 1_000 }) }));
    expect(JSON.parse(built.orderDetails)).toMatchObject({ amount: "500", currency: "JPY", "mandate.max_amount": "1000" });
    expect(built.payload.payload.amount).toBe("500");
  });

  it("truncates sub-second mandate dates to epoch seconds", async () => {
    const built = await buildProcessPayload(input({ mandate: mandate({ startDate: new Date(1772359200999) }) }));
    expect(JSON.parse(built.orderDetails)["mandate.start_date"]).toBe("1772359200");
  });

  it.each([
    ["order.orderId", { orderId: "" }],
    ["order.orderId", { orderId: "a".repeat(21) }],
    ["order.orderId", { orderId: "ord-1" }],
    ["order.orderId", { orderId: "ord 1" }],
    ["order.amountMinor", { amountMinor: 0 }],
    ["order.amountMinor", { amountMinor: -100 }],
    ["order.amountMinor", { amountMinor: 10.5 }],
    ["order.amountMinor", { amountMinor: "100" as unknown as number }],
    ["order.currency", { currency: "rupee" }],
    ["order.customerId", { customerId: undefined as unknown as string }],
    ["order.customerId", { customerId: "a\nb" }],
    ["order.customerEmail", { customerEmail: "not-an-email" }],
    ["order.customerPhone", { customerPhone: "12ab" }],
    ["order.returnUrl", { returnUrl: "javascript:alert(1)" }],
    ["order.returnUrl", { returnUrl: "/relative" }],
    ["order.description", { description: "x".repeat(256) }],
    ["order.description", { description: "bad \ud800 surrogate" }],
    ["order.udfs", { udfs: Array.from({ length: 11 }, () => "u") }],
    ["order.udfs[1]", { udfs: ["ok", "x".repeat(256)] }],
    // udf1-udf5 carry no special characters (Juspay: "please use UDF 6 to 10").
    ["order.udfs[0]", { udfs: ["a&b"] }],
    ["order.udfs[4]", { udfs: ["", "", "", "", "caf\u00e9"] }],
    ["order.currency", { currency: "ABC" }],
    ["order.currency", { currency: "KWD" }],
    ["order.metadata", { metadata: { "bad key": "v" } }],
  ] as const)("rejects %s (%j)", async (field, over) => {
    await expectInvalid(buildProcessPayload(input({ order: order(over as Partial<SdkOrder>) })), field);
  });

  it.each([
    ["merchantId", { merchantId: "" }],
    ["clientId", { clientId: "has space" }],
    ["environment", { environment: "prod" as "production" }],
    ["now", { now: new Date(Number.NaN) }],
  ] as const)("rejects %s", async (field, over) => {
    await expectInvalid(buildProcessPayload(input(over)), field);
  });

  describe("mandate rules", () => {
    it.each([
      ["WEEKLY", 1],
      ["WEEKLY", 7],
      ["FORTNIGHTLY", 16],
      ["MONTHLY", 31],
      ["BIMONTHLY", 1],
      ["QUARTERLY", 31],
      ["HALFYEARLY", 15],
      ["YEARLY", 31],
    ] as const)("accepts rule_value %s %i", async (frequency, ruleValue) => {
      await expect(buildProcessPayload(input({ mandate: mandate({ frequency, ruleValue, ruleType: "ON" }) }))).resolves.toBeDefined();
    });

    it.each([
      ["WEEKLY", 0],
      ["WEEKLY", 8],
      ["FORTNIGHTLY", 17],
      ["MONTHLY", 32],
      ["YEARLY", 0],
      ["MONTHLY", 1.5],
    ] as const)("rejects rule_value %s %s", async (frequency, ruleValue) => {
      await expectInvalid(buildProcessPayload(input({ mandate: mandate({ frequency, ruleValue }) })), "mandate.ruleValue", new RegExp(frequency));
    });

    it.each(["ONETIME", "DAILY", "ASPRESENTED"] as const)("%s takes no rule_value", async (frequency) => {
      await expect(buildProcessPayload(input({ mandate: mandate({ frequency }) }))).resolves.toBeDefined();
      await expectInvalid(buildProcessPayload(input({ mandate: mandate({ frequency, ruleValue: 1 }) })), "mandate.ruleValue", /must not be set/);
    });

    it("FIXED requires the order amount to be at most max_amount", async () => {
      await expect(buildProcessPayload(input({ order: order({ amountMinor: 100000 }), mandate: mandate({ amountRule: "FIXED" }) }))).resolves.toBeDefined();
      await expectInvalid(buildProcessPayload(input({ order: order({ amountMinor: 100001 }), mandate: mandate({ amountRule: "FIXED" }) })), "mandate.maxAmountMinor", /FIXED/);
      // VARIABLE: the first (registration) amount may differ from max_amount.
      await expect(buildProcessPayload(input({ order: order({ amountMinor: 100001 }), mandate: mandate() }))).resolves.toBeDefined();
    });

    it.each([
      ["mandate.createMandate", { createMandate: "YES" as "REQUIRED" }],
      ["mandate.maxAmountMinor", { maxAmountMinor: 0 }],
      ["mandate.amountRule", { amountRule: "ANY" as "FIXED" }],
      ["mandate.frequency", { frequency: "HOURLY" as "DAILY" }],
      ["mandate.ruleType", { ruleType: "AROUND" as "ON", ruleValue: 1 }],
      ["mandate.ruleType", { ruleType: "ON" as const }],
      ["mandate.startDate", { startDate: new Date("nope") }],
      ["mandate.endDate", { endDate: NOW }],
      ["mandate.blockFunds", { blockFunds: "true" as unknown as boolean }],
    ] as const)("rejects %s", async (field, over) => {
      await expectInvalid(buildProcessPayload(input({ mandate: mandate(over as Partial<SdkMandate>) })), field);
    });
  });

  it("error messages name the field, never the value", async () => {
    const secretish = "victim@example.com ";
    const err = await buildProcessPayload(input({ order: order({ customerEmail: secretish }) })).then(
      () => new Error("no error"),
      (e: unknown) => e as Error,
    );
    expect(err.message).toContain("order.customerEmail");
    expect(err.message).not.toContain("victim");
  });
});

describe("buildInitiatePayload", () => {
  it("unsigned: action, ids and environment only, as Juspay's payment-page demos (no customerId even when given)", async () => {
    const built = await buildInitiatePayload({ merchantId: "m1", clientId: "c1", environment: "production", customerId: "cst9" });
    expect(built.payload.requestId).toMatch(UUID_V4);
    expect(built.payload).toEqual({
      requestId: built.payload.requestId,
      service: "in.juspay.hyperpay",
      payload: { action: "initiate", merchantId: "m1", clientId: "c1", environment: "production" },
    });
    expect(built.signature).toBeUndefined();
    expect(JSON.parse(built.payloadJson)).toEqual(built.payload);
  });

  it("signed: signaturePayload {merchant_id, customer_id, timestamp} + signature + merchantKeyId", async () => {
    const built = await buildInitiatePayload({ merchantId: "m1", clientId: "c1", environment: "sandbox", customerId: "cst9", signed: true, keys, now: NOW, requestId: "r1" });
    expect(built.signaturePayload).toBe('{"merchant_id":"m1","customer_id":"cst9","timestamp":"1772359200000"}');
    expect(built.payload.payload).toEqual({
      action: "initiate",
      merchantId: "m1",
      clientId: "c1",
      environment: "sandbox",
      signaturePayload: built.signaturePayload,
      signature: built.signature,
      merchantKeyId: "2980",
    });
    expect(await verifyPayloadSignature(built.signaturePayload!, built.signature!, TEST_PUBLIC_PEM)).toBe(true);
  });

  it("signed guest initiate signs an empty customer_id; signing needs keys", async () => {
    const built = await buildInitiatePayload({ merchantId: "m1", clientId: "c1", environment: "sandbox", signed: true, keys, now: NOW });
    expect(JSON.parse(built.signaturePayload!)).toEqual({ merchant_id: "m1", customer_id: "", timestamp: "1772359200000" });
    await expectInvalid(buildInitiatePayload({ merchantId: "m1", clientId: "c1", environment: "sandbox", signed: true }), "keys");
  });
});
