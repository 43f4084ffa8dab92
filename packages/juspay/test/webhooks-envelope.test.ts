import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseWebhookDate, parseWebhookEnvelope, type WebhookEnvelope } from "../src/webhooks/index.js";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/juspay/", import.meta.url));
// Not strict JSON (fixtures/juspay/README.md): shapes only, never parsed.
const NON_STRICT = new Set(["webhooks/response_structure.json", "webhooks/sample_response_structure.json"]);

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : []));
}
const fixtureFiles = [...jsonFiles(join(FIXTURES, "webhooks")), ...jsonFiles(join(FIXTURES, "mandates/webhook"))]
  .map((f) => relative(FIXTURES, f))
  .filter((f) => !NON_STRICT.has(f))
  .sort();

type Expected = Pick<WebhookEnvelope, "eventId" | "eventName" | "kind" | "orderId" | "mandateId"> &
  Partial<Pick<WebhookEnvelope, "notificationId" | "notificationReferenceId">> & { refunds?: [string | null, string | null][] };

// Read off the fixture files by hand.
const MANDATE_WH = { eventId: "evt_V2_a2f864be94fb4fde88cd1056cbf88beb", kind: "mandate", orderId: "1631719633", mandateId: "eBWQNiQgeG7fdrXPPXtVbL" } as const;
const MANDATE_NOTIF = { eventId: "evt_V2_bc933a28ee5948be9f2939caac09d9", kind: "notification", orderId: null, mandateId: "4rKxSj3bNXs7RQcdtajAkb", notificationId: "1957069", notificationReferenceId: "2QNPw8KSbpHL122bNPgAK07" } as const;
const EXPECTED: Record<string, Expected> = {
  "webhooks/auto_refund_failed.json": { eventId: "evt_V2_9380da4b07e74b6792f3fe23ed84a75f", eventName: "AUTO_REFUND_FAILED", kind: "order", orderId: "sampleorder507", mandateId: null, refunds: [["ARghg65FGvyv_4", "ARghg65FGvyv"]] },
  "webhooks/auto_refund_succeeded.json": { eventId: "evt_V2_c911db219e6845ce9c6b551b9e88cbc4", eventName: "AUTO_REFUND_SUCCEEDED", kind: "order", orderId: "sample_ord_408", mandateId: null, refunds: [["ARumRQpjqqLcXTm6", "ARumRQpjqqLcXTm6"]] },
  "webhooks/mandate_activated.json": { eventId: "evt_V2_7c242ac8f082499f8398ab56ce603187", eventName: "MANDATE_ACTIVATED", kind: "mandate", orderId: "ord_1692176519ms", mandateId: "c1ZJDKT3YXUhxubgKhkom8" },
  "webhooks/mandate_created.json": { eventId: "evt_V2_14596cec6cd34c6380212cc3115030cb", eventName: "MANDATE_CREATED", kind: "mandate", orderId: "ord_1692176519ms", mandateId: "c1ZJDKT3YXUhxubgKhkom8" },
  "webhooks/mandate_expired.json": { eventId: "evt_V2_98b67d9bfe334c84a7d4971d932b9465", eventName: "MANDATE_EXPIRED", kind: "mandate", orderId: "sample_ord305", mandateId: "ii76ncZXa2tceXdeyCFqaM" },
  "webhooks/mandate_failed.json": { eventId: "evt_V2_5692cc60687042cc8a7efac8373894f7", eventName: "MANDATE_FAILED", kind: "mandate", orderId: "ord_1692181139ms", mandateId: "pJuMzz3fWkQAmJrE9WXULe" },
  "webhooks/mandate_paused.json": { eventId: "evt_V2_98b67d9bfe334c84a7d4971d932b9465", eventName: "MANDATE_PAUSED", kind: "mandate", orderId: "sample_ord304", mandateId: "ii76ncZXa2tceXdeyCFqaM" },
  "webhooks/mandate_revoked.json": { eventId: "evt_V2_2fa69b2aab7147a78363517fdaf57d01", eventName: "MANDATE_REVOKED", kind: "mandate", orderId: "ord_1692179164ms", mandateId: "x9myvQSXFiaMmqVQmXCXjF" },
  "webhooks/notification_failed.json": { eventId: "evt_V2_93ca6871b7fc4efcafe24ede6e25ecb7", eventName: "NOTIFICATION_FAILED", kind: "notification", orderId: null, mandateId: "faFdBEsXmJFMdTEx2rvyBH", notificationId: "110000000129", notificationReferenceId: "abcxyztftydf" },
  "webhooks/notification_succeeded.json": { eventId: "evt_V2_9380da4b07e74b6792f3fe23ed84a75f", eventName: "NOTIFICATION_SUCCEEDED", kind: "notification", orderId: null, mandateId: "ii76ncZXa2tceXdeyCFqaM", notificationId: "24307339", notificationReferenceId: "sCh7ihFFGLJKayCW" },
  "webhooks/order_failed.json": { eventId: "evt_V2_f139d51b776541bdbccf6cf49234bc8c", eventName: "ORDER_FAILED", kind: "order", orderId: "sample_ord_502", mandateId: null, refunds: [] },
  "webhooks/order_refund_failed.json": { eventId: "evt_V2_9380da4b07e74b6792f3fe23ed84a75f", eventName: "ORDER_REFUND_FAILED", kind: "order", orderId: "sampleorder608", mandateId: null, refunds: [["ARghg65FGvyv", "ARghg65FGvyv"]] },
  "webhooks/order_refunded.json": { eventId: "evt_V2_132b474fe46b4518a561ad1aa18b4e42", eventName: "ORDER_REFUNDED", kind: "order", orderId: "sample_ord_403", mandateId: null, refunds: [[null, "erf_b0c764a743c4221b"]] },
  "webhooks/order_succeeded.json": { eventId: "evt_V2_b737837102414514ae0e9717a9f2664d", eventName: "ORDER_SUCCEEDED", kind: "order", orderId: "sample_ord_200", mandateId: null, refunds: [] },
  "webhooks/order_succeeded_mandate.json": { eventId: "evt_gsu1c0r7umcfrxeb", eventName: "ORDER_SUCCEEDED", kind: "order", orderId: "234823498237423894273498", mandateId: "3XMEcS1z2212Gq7fbfVYbzj" },
  "webhooks/refund_initiate.json": { eventId: "evt_V2_6d18def52abc4810aaef89a91064b045", eventName: "REFUND_INITIATED", kind: "order", orderId: "sample_ord_403", mandateId: null, refunds: [[null, "erf_b0c764a743c4221b"]] },
  "webhooks/refund_manual_review.json": { eventId: "evt_V2_1750c1958ed71230991e6740c18af364", eventName: "REFUND_MANUAL_REVIEW_NEEDED", kind: "order", orderId: "ctkt174582939", mandateId: null, refunds: [[null, "recan17458293944531"], [null, "w8ctkt174582939"]] },
  "webhooks/txn_charged.json": { eventId: "evt_V2_714bdcbb817d4fa2b0f64bb9609557d4", eventName: "TXN_CHARGED", kind: "txn", orderId: "sample_ord_200", mandateId: null },
  "webhooks/txn_created.json": { eventId: "evt_V2_324dc6e110914184a1c764923e14ccde", eventName: "TXN_CREATED", kind: "order", orderId: "sample_ord_200", mandateId: null },
  "webhooks/txn_failed.json": { eventId: "evt_V2_a0d045a5a93e4f29a72a937ebb0b154b", eventName: "TXN_FAILED", kind: "txn", orderId: "sample_ord_502", mandateId: null },
  "mandates/webhook/mandate/active.json": { ...MANDATE_WH, eventName: "MANDATE_ACTIVATED" },
  "mandates/webhook/mandate/created.json": { ...MANDATE_WH, eventName: "MANDATE_CREATED" },
  "mandates/webhook/mandate/expired.json": { ...MANDATE_WH, eventName: "MANDATE_EXPIRED" },
  "mandates/webhook/mandate/failure.json": { ...MANDATE_WH, eventName: "MANDATE_FAILED" },
  "mandates/webhook/mandate/paused.json": { ...MANDATE_WH, eventName: "MANDATE_PAUSED" },
  "mandates/webhook/mandate/revoked.json": { ...MANDATE_WH, eventName: "MANDATE_REVOKED" },
  "mandates/webhook/notification/failure.json": { ...MANDATE_NOTIF, eventName: "NOTIFICATION_FAILED" },
  "mandates/webhook/notification/success.json": { ...MANDATE_NOTIF, eventName: "NOTIFICATION_SUCCEEDED" },
  "mandates/webhook/txn/failure.json": { eventId: "evt_V2_6e76c650ff214edc87763234b958fabd", eventName: "ORDER_FAILED", kind: "order", orderId: "SEwfX7hcqZe", mandateId: "2K6Nap******5KWPjK15" },
  "mandates/webhook/txn/success.json": { eventId: "evt_V2_4b83ba211443b53fc020d4c", eventName: "ORDER_SUCCEEDED", kind: "order", orderId: "2348******3498", mandateId: "3XMEcS******Ybzj" },
};

describe("parseWebhookEnvelope on Juspay's published webhooks", () => {
  it("covers every strict fixture", () => {
    expect(fixtureFiles).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtureFiles)("%s", (file) => {
    const raw = readFileSync(join(FIXTURES, file));
    const expected = EXPECTED[file]!;
    const result = parseWebhookEnvelope(raw);
    if (!result.ok) throw new Error(result.error.message);
    const env = result.value;
    expect(env).toMatchObject({
      eventId: expected.eventId,
      eventName: expected.eventName,
      kind: expected.kind,
      orderId: expected.orderId,
      mandateId: expected.mandateId,
      notificationId: expected.notificationId ?? null,
      notificationReferenceId: expected.notificationReferenceId ?? null,
      dedupKey: `evt:${expected.eventId}`,
    });
    if (expected.refunds) expect(env.refunds.map((r) => [r.id, r.uniqueRequestId])).toEqual(expected.refunds);
    const body = JSON.parse(raw.toString("utf8"));
    expect(env.content).toEqual(body.content);
    expect(env.dateCreatedRaw).toBe(body.date_created);
    expect(env.dateCreated?.toISOString().replace(".000Z", "Z")).toBe(body.date_created);
    // Same result from the text as from the bytes.
    expect(parseWebhookEnvelope(raw.toString("utf8"))).toEqual(result);
  });
});

describe("parseWebhookEnvelope on other input", () => {
  const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
  const ok = (body: unknown) => {
    const result = parseWebhookEnvelope(JSON.stringify(body));
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };

  it.each([
    ["not_json", "{"],
    ["not_json", ""],
    ["not_json", "event_name=ORDER_SUCCEEDED"],
    ["not_object", "[]"],
    ["not_object", "null"],
    ["not_object", '"ORDER_SUCCEEDED"'],
    ["not_object", "42"],
    ["missing_event_name", "{}"],
    ["missing_event_name", '{"id":"evt_1","event_name":""}'],
    ["missing_event_name", '{"id":"evt_1","event_name":7}'],
  ])("%s: %s", (code, body) => {
    const result = parseWebhookEnvelope(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.bodySha256).toBe(sha(body));
    }
  });

  it("rejects invalid UTF-8 and oversized bodies without parsing", () => {
    const bad = parseWebhookEnvelope(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(!bad.ok && bad.error.code).toBe("not_utf8");
    const big = parseWebhookEnvelope(`{"event_name":"X","pad":"${"a".repeat(100)}"}`, { maxBytes: 64 });
    expect(!big.ok && big.error.code).toBe("too_large");
  });

  it("dedups by body hash when there is no id", () => {
    const text = '{"event_name":"ORDER_SUCCEEDED","content":{"order":{"order_id":"o1"}}}';
    const result = parseWebhookEnvelope(Buffer.from(text));
    expect(result.ok && result.value.dedupKey).toBe(`sha256:${sha(text)}`);
    expect(result.ok && result.value.eventId).toBeNull();
    expect(ok({ id: "   ", event_name: "X" }).dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("tolerates malformed or missing dates, numeric ids and odd content", () => {
    const env = ok({ id: 12345, event_name: "ORDER_SUCCEEDED", date_created: "1111111T07:21:01Z", content: { order: { order_id: 987, refunds: [{ id: 5 }, "junk", null] } } });
    expect(env).toMatchObject({ eventId: "12345", dedupKey: "evt:12345", dateCreatedRaw: "1111111T07:21:01Z", dateCreated: null, orderId: "987" });
    expect(env.refunds).toEqual([{ id: "5", uniqueRequestId: null, status: null }]);
    expect(ok({ event_name: "X", date_created: 17 })).toMatchObject({ dateCreatedRaw: null, dateCreated: null });
    expect(ok({ event_name: "X" })).toMatchObject({ kind: "unknown", content: undefined, orderId: null, mandateId: null, refunds: [] });
    expect(ok({ event_name: "X", content: "text" })).toMatchObject({ kind: "unknown", content: "text" });
    expect(ok({ event_name: "CHARGEBACK_RECEIVED", content: { chargeback: { id: "cb1" } } })).toMatchObject({ kind: "unknown", content: { chargeback: { id: "cb1" } } });
    expect(ok({ event_name: "X", content: { order: [] } }).kind).toBe("unknown");
  });

  it("parses ISO dates with offsets and epoch seconds/ms; rejects the rest", () => {
    expect(parseWebhookDate("2023-08-10T07:00:48Z")?.toISOString()).toBe("2023-08-10T07:00:48.000Z");
    expect(parseWebhookDate("2023-08-10T12:30:48.5+05:30")?.toISOString()).toBe("2023-08-10T07:00:48.500Z");
    expect(parseWebhookDate("1692182429")?.toISOString()).toBe("2023-08-16T10:40:29.000Z");
    expect(parseWebhookDate("1692182429000")?.toISOString()).toBe("2023-08-16T10:40:29.000Z");
    for (const bad of ["", "2023-08-10", "2023-13-45T99:00:00Z", "RIPPIFILTEREDT14:32:05Z", "tomorrow", null]) expect(parseWebhookDate(bad)).toBeNull();
  });

  it("takes the mandate id from an order's mandate block and the txn's order id", () => {
    expect(ok({ event_name: "TXN_CHARGED", content: { txn: { order_id: "o9" } } })).toMatchObject({ kind: "txn", orderId: "o9" });
    expect(ok({ event_name: "ORDER_SUCCEEDED", content: { order: { order_id: "o1", mandate: { mandate_id: "m1" } } } })).toMatchObject({ orderId: "o1", mandateId: "m1" });
  });

  it("never throws, whatever the input", () => {
    for (const input of [undefined, null, 42, {}, [], Buffer.alloc(0), "\u0000", "{\"event_name\":\"X\",\"__proto__\":{\"polluted\":1}}"]) {
      expect(() => parseWebhookEnvelope(input as unknown as string)).not.toThrow();
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
