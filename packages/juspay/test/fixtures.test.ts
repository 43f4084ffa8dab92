import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decodeCustomer,
  decodeErrorBody,
  decodeMandate,
  decodeMandateList,
  decodeNotification,
  decodeOrder,
  decodeRefund,
  decodeSession,
  decodeTxn,
  decodeTxnAnswer,
  encodeForm,
  flattenForm,
  isEncryptedEnvelope,
  type JuspayMandate,
  type JuspayOrder,
  type JuspayRefund,
  type JuspayTime,
} from "../src/index.js";
import { errorFromResponse } from "../src/http/classify.js";
import { tryDecode } from "../src/decode/decode.js";
import { CancelRecurringSchema } from "../src/decode/schemas/mandate.js";

// Every strict-JSON sample Juspay published (fixtures/juspay) decodes, by
// path, into the typed views without losing a field the service uses.

const ROOT = fileURLToPath(new URL("../../../fixtures/juspay/", import.meta.url));

const NOT_STRICT = [
  "mandates/mandates-tpv/mandates-tpv-register-repsonse.json",
  "mandates/return-url/url.json",
  "orders/order-status/Offers.json",
  "orders/order-status/UPI.json",
  "orders/order-status/card.json",
  "webhooks/response_structure.json",
  "webhooks/sample_response_structure.json",
];

type Obj = Record<string, unknown>;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith(".json") ? [full] : [];
  });
}

const all = walk(ROOT).map((f) => relative(ROOT, f).split("\\").join("/")).sort();
const parsed = new Map<string, unknown>();
const notStrict: string[] = [];
for (const file of all) {
  try {
    parsed.set(file, JSON.parse(readFileSync(join(ROOT, file), "utf8")));
  } catch {
    notStrict.push(file);
  }
}

type Kind = "order" | "refund" | "mandate" | "notification" | "list" | "customer" | "session" | "txn_answer" | "cancel_recurring" | "error" | "request" | "jwe" | "webhook";

const TXN_ANSWERS = new Set([
  "mandates/execution/response.json",
  "mandates/exercise/response.json",
  "orders/create-payments/response.json",
  "orders/create-order/NBRes.json",
  "orders/create-order/moto-200.json",
  "orders/create-order/moto-200-authorized.json",
  "orders/create-order/upiCollectRes.json",
  "orders/create-order/upiIntentRes.json",
  "orders/create-order/response-order-txn-upi-intent.json",
]);
const ERRORS = new Set([
  "orders/create-order/moto-400.json",
  "orders/orderFulfilment/response-400.json",
  // cancel_recurring_transaction (juspay-sdk-integration-demo master): classic and txns-style bodies.
  "mandates/mandate_status/mandate_stop_failure_no_order_id.json",
  "mandates/mandate_status/mandate_stop_failure_invalid_command.json",
  "mandates/mandate_status/mandate_failure_below_5_mins.json",
  "mandates/mandate_status/mandate_failure_unscheduled_transaction.json",
]);
const REQUESTS = new Set(["orders/create-order/nbReq.json", "orders/create-order/upiCollectReq.json", "orders/create-order/upiIntentReq.json"]);

function kindOf(file: string): Kind {
  if (file.startsWith("webhooks/") || file.startsWith("mandates/webhook/")) return "webhook";
  if (file.startsWith("customer/")) return "customer";
  if (file.startsWith("session/") || file === "mandates/mandates-tpv/response.json") return "session";
  if (file.startsWith("mandates/list-mandate/")) return "list";
  if (/^mandates\/(check-status|pause|resume|revoke)\//.test(file)) return "mandate";
  if (/^mandates\/(notification|notification-status)\//.test(file)) return "notification";
  if (file.startsWith("mandates/register/") || TXN_ANSWERS.has(file)) return "txn_answer";
  if (file.startsWith("orders/refunds/")) return "refund";
  if (ERRORS.has(file)) return "error";
  if (file === "mandates/mandate_status/mandate_stop_response_success.json") return "cancel_recurring";
  if (REQUESTS.has(file)) return "request";
  if (file === "orders/order-status/v4-order-status/response.json") return "jwe";
  return "order"; // orders/**, mandates/order-status, mandates/create-order, mandates-tpv order status, COD, fulfilment 200
}

/** Test oracle for the well-formed sample amounts (the package itself never does this float arithmetic). */
function oracleMinor(value: unknown): number | null {
  if (value === undefined || value === null || value === "FILTERED") return null;
  return Math.round(Number(value) * 100);
}

function expectTime(time: JuspayTime | null, raw: unknown): void {
  if (raw === undefined || raw === null || raw === "") return expect(time).toBeNull();
  expect(time?.raw).toBe(raw);
  if (typeof raw === "string" && /^\d{10}$/.test(raw)) expect(time?.at?.getTime()).toBe(Number(raw) * 1000);
  if (typeof raw === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(raw)) expect(time?.at?.toISOString()).toBe(raw.replace("Z", ".000Z"));
}

function checkRefund(refund: JuspayRefund, raw: Obj): void {
  expect(refund.id).toBe(raw["id"] ?? null);
  expect(refund.uniqueRequestId).toBe(raw["unique_request_id"]);
  expect(refund.amountMinor).toBe(oracleMinor(raw["amount"]));
  expect(refund.statusRaw).toBe(raw["status"]);
  expect(refund.status).not.toBe("UNKNOWN");
  expectTime(refund.created, raw["created"]);
}

function checkMandate(mandate: JuspayMandate, raw: Obj): void {
  expect(mandate.mandateId).toBe(raw["mandate_id"]);
  expect(mandate.statusRaw).toBe(raw["status"] ?? raw["mandate_status"]);
  expect(mandate.status).not.toBe("UNKNOWN");
  expect(mandate.maxAmountMinor).toBe(oracleMinor(raw["max_amount"]));
  expectTime(mandate.startDate, raw["start_date"]);
  expectTime(mandate.endDate, raw["end_date"]);
  expect(mandate.raw).toEqual(raw);
}

function checkOrder(order: JuspayOrder, raw: Obj): void {
  expect(order.orderId).toBe(raw["order_id"]);
  expect(order.statusRaw).toBe(raw["status"]);
  expect(order.amountMinor).toBe(oracleMinor(raw["amount"]));
  expect(order.currency).toBe(raw["currency"] ?? null);
  expect(order.txnId).toBe((raw["txn_id"] as string | undefined) || null);
  expect(order.raw).toEqual(raw); // unknown keys kept, values untouched
  const refunds = (raw["refunds"] as Obj[] | undefined) ?? [];
  expect(order.refunds).toHaveLength(refunds.length);
  refunds.forEach((r, i) => checkRefund(order.refunds[i]!, r));
  const txn = raw["txn_detail"] as Obj | undefined;
  if (txn) {
    expect(order.txnDetail?.txnId).toBe(txn["txn_id"]);
    expect(order.txnDetail?.statusRaw).toBe(txn["status"]);
    expect(order.txnDetail?.txnAmountMinor).toBe(oracleMinor(txn["txn_amount"]));
  }
  const mandate = raw["mandate"] as Obj | undefined;
  if (mandate) checkMandate(order.mandate!, mandate);
}

function decodeFixture(file: string, body: unknown): { kind: Kind; value: unknown } {
  const kind = kindOf(file);
  const o = body as Obj;
  switch (kind) {
    case "order": {
      const order = decodeOrder(body);
      checkOrder(order, o);
      return { kind, value: order };
    }
    case "refund": {
      const refund = decodeRefund(body);
      checkRefund(refund, o);
      expect(refund.orderId).toBe(o["order_id"]);
      expect(refund.txnId).toBe(o["txn_id"]);
      return { kind, value: refund };
    }
    case "mandate": {
      const mandate = decodeMandate(body);
      checkMandate(mandate, o);
      return { kind, value: mandate };
    }
    case "notification": {
      const n = decodeNotification(body);
      expect(n.id).toBe(o["id"]);
      expect(n.objectReferenceId).toBe(o["object_reference_id"]);
      expect(n.statusRaw).toBe(o["status"]);
      expect(n.status).not.toBe("UNKNOWN");
      expect(n.mandateId).toBe((o["mandate"] as Obj)["mandate_id"]);
      expect(n.amountMinor).toBe(oracleMinor((o["source_info"] as Obj)["amount"]));
      expectTime(n.dateCreated, o["date_created"]);
      return { kind, value: n };
    }
    case "list": {
      const list = decodeMandateList(body);
      const entries = o["list"] as Obj[];
      expect(list.mandates).toHaveLength(entries.length);
      entries.forEach((e, i) => checkMandate(list.mandates[i]!, e));
      expect(list.total).toBe(o["total"]);
      return { kind, value: list };
    }
    case "customer": {
      const c = decodeCustomer(body);
      expect(c.id).toBe(o["id"]);
      expect(c.objectReferenceId).toBe(o["object_reference_id"]);
      expect(c.dateCreated?.at).not.toBeNull();
      if (o["juspay"]) expect(c.clientAuthToken?.token).toBe((o["juspay"] as Obj)["client_auth_token"]);
      return { kind, value: c };
    }
    case "session": {
      const s = decodeSession(body);
      expect(s.orderId).toBe(o["order_id"]);
      expect(s.statusRaw).toBe(o["status"]);
      expect(s.sdkPayload).toEqual(o["sdk_payload"]); // handed to the app unchanged
      // The v1 sample has no sdk_payload.expiry: the client auth token's expiry stands in (issue 17, point 11).
      const sdk = o["sdk_payload"] as Obj;
      const expiry = sdk["expiry"] ?? (sdk["payload"] as Obj)["clientAuthTokenExpiry"];
      expect(s.sdkPayloadExpiry?.at).toEqual(new Date(String(expiry)));
      return { kind, value: s };
    }
    case "txn_answer": {
      const t = decodeTxnAnswer(body);
      expect(t.orderId).toBe(o["order_id"]);
      expect(t.txnId).toBe(o["txn_id"] ?? null);
      expect(t.txnUuid).toBe(o["txn_uuid"] ?? null);
      expect(t.statusRaw).toBe(o["status"]);
      expect(t.status).not.toBe("UNKNOWN");
      expect(t.authentication?.url).toBe(((o["payment"] as Obj)["authentication"] as Obj)["url"]);
      return { kind, value: t };
    }
    case "error": {
      // Classic bodies carry error_code/error_message; txns-style ones code/message.
      const e = decodeErrorBody(body);
      expect(e.errorCode).toBe(o["error_code"] ?? o["code"]);
      expect(e.errorMessage).toBe(o["error_message"] ?? o["message"] ?? null);
      const error = errorFromResponse({ operation: "fixture", method: "POST", path: "/x", secrets: [] }, 400, body, new Headers());
      expect(error.errorCode).toBe(o["error_code"] ?? o["code"]);
      return { kind, value: error };
    }
    case "cancel_recurring": {
      const c = tryDecode(CancelRecurringSchema, body);
      expect(c.ok).toBe(true);
      if (!c.ok) throw new Error("undecodable");
      expect(c.value).toMatchObject({ orderId: o["order_id"], txnUuid: o["txn_uuid"], txnStatus: "JUSPAY_DECLINED", responseMessage: o["response_message"] });
      return { kind, value: c.value };
    }
    case "request": {
      // Juspay's /txns request samples: our form encoder writes exactly these flat dotted keys.
      const fields = flattenForm(o as Record<string, string>);
      expect(Object.fromEntries(new URLSearchParams(encodeForm(fields)))).toEqual(o);
      return { kind, value: fields };
    }
    case "jwe":
      expect(isEncryptedEnvelope(body)).toBe(true);
      return { kind, value: body };
    case "webhook": {
      const content = o["content"] as Obj;
      const [key] = Object.keys(content);
      const inner = content[key!] as Obj;
      if (key === "order") checkOrder(decodeOrder(inner), inner);
      else if (key === "mandate") checkMandate(decodeMandate(inner), inner);
      else if (key === "txn") {
        const txn = decodeTxn(inner);
        expect(txn.txnId).toBe(inner["txn_id"]);
        expect(txn.orderId).toBe(inner["order_id"]);
        expect(txn.statusRaw).toBe(inner["status"]);
        expect(txn.txnAmountMinor).toBe(oracleMinor(inner["txn_amount"]));
      } else if (key === "notification") {
        const n = decodeNotification(inner);
        expect(n.id).toBe(inner["id"]);
        expect(n.statusRaw).toBe(inner["status"]);
      } else throw new Error(`unexpected webhook content ${key}`);
      return { kind, value: inner };
    }
  }
}

describe("Juspay's published samples", () => {
  it("has 95 strict-JSON samples and exactly the 7 documented non-strict ones", () => {
    expect(parsed.size).toBe(95);
    expect(notStrict.sort()).toEqual(NOT_STRICT);
  });

  it.each([...parsed.keys()])("%s decodes without losing a used field", (file) => {
    decodeFixture(file, parsed.get(file));
  });

  it("covers every kind of answer", () => {
    const kinds = new Set([...parsed.keys()].map(kindOf));
    expect([...kinds].sort()).toEqual(["cancel_recurring", "customer", "error", "jwe", "list", "mandate", "notification", "order", "refund", "request", "session", "txn_answer", "webhook"]);
  });
});

describe("sample quirks", () => {
  const get = (file: string) => parsed.get(file) as Obj;
  const content = (file: string, key: string) => (get(file)["content"] as Obj)[key];

  it("EMI order: amount 15122 → 1512200 paise, unknown keys kept", () => {
    const order = decodeOrder(get("orders/order-status/EMI.json"));
    expect(order.amountMinor).toBe(1_512_200);
    expect(order.status).toBe("CHARGED");
    expect(order.phase).toBe("succeeded");
    expect(order.raw["emi_tenure"]).toBe(3);
    expect(order.txnDetail?.gatewayId).toBe(12);
  });

  it("amounts as strings (refund manual review webhook) convert exactly", () => {
    const order = decodeOrder(content("webhooks/refund_manual_review.json", "order"));
    expect(order.amountMinor).toBe(155_100);
    expect(order.statusId).toBe(21); // "21"
    expect(order.refunds.map((r) => [r.uniqueRequestId, r.amountMinor, r.status, r.sentToGateway])).toEqual([
      ["recan17458293944531", 147_600, "MANUAL_REVIEW", true],
      ["w8ctkt174582939", 7_500, "SUCCESS", true],
    ]);
    expect(order.masked).toEqual(expect.arrayContaining(["upi", "customer_phone"]));
    expect(order.customerPhone).toBeNull();
  });

  it("a malformed date keeps its raw text and does not fail the decode", () => {
    const order = decodeOrder(content("webhooks/order_succeeded.json", "order"));
    expect(order.dateCreated).toEqual({ raw: "1111111T07:00:40Z", at: null });
    const autoRefund = decodeOrder(content("webhooks/auto_refund_failed.json", "order"));
    expect(autoRefund.dateCreated?.at).toBeNull();
    expect(autoRefund.status).toBe("AUTO_REFUNDED");
    expect(autoRefund.refunds[0]?.raw["previous_attempts"]).toBe("FILTERED");
  });

  it("FILTERED masks: card, mandate token, payment_info, notification txn_date", () => {
    const failed = decodeOrder(content("mandates/webhook/txn/failure.json", "order"));
    expect(failed.masked).toEqual(expect.arrayContaining(["card", "customer_id", "customer_email", "customer_phone"]));
    expect(failed.mandate?.mandateToken).toBeNull();
    expect(failed.mandate?.maxAmountMinor).toBe(1_000); // "10"
    expect(failed.mandate?.revokableByCustomer).toBe(true); // "true"
    expect(failed.statusId).toBe(26); // "26"
    expect(failed.gatewayId).toBe(27); // "27"
    const activated = decodeMandate(content("webhooks/mandate_activated.json", "mandate"));
    expect(activated.paymentMethodType).toBeNull();
    expect(activated.activatedAt).toEqual({ raw: "FILTERED", at: null });
    const pdn = decodeNotification(content("webhooks/notification_failed.json", "notification"));
    expect(pdn.txnDate).toEqual({ raw: "FILTERED", at: null });
    expect(pdn.amountMinor).toBe(100); // "1.0"
    expect(pdn.responseCode).toBe("JP_852");
    expect(pdn.status).toBe("FAILURE");
  });

  it("mandate dates are epoch seconds; string max_amount converts", () => {
    const m = decodeMandate(content("mandates/webhook/mandate/active.json", "mandate"));
    expect(m.maxAmountMinor).toBe(39_900);
    expect(m.startDate?.at?.toISOString()).toBe("2021-12-18T04:42:15.000Z");
    expect(m.frequency).toBe("MONTHLY");
    expect(m.paymentMethod).toBe("COLLECT/PAY/INAPP");
  });

  it("customer dates with +0000 offsets parse", () => {
    const c = decodeCustomer(get("customer/update-customer/response.json"));
    expect(c.dateCreated?.at?.toISOString()).toBe("2016-08-02T08:07:52.000Z");
  });

  it("microsecond timestamps parse", () => {
    const order = decodeOrder(get("orders/create-order/order-txn-qr.json"));
    expect(order.dateCreated?.at?.toISOString()).toBe("2024-02-12T07:44:57.150Z");
    expect(order.clientAuthToken?.token).toBe("tkn_b25bae8cd5cc4f4c9ec28b5a5ffb2db5");
    expect(order.raw["base64_encoded_qr"]).toBeDefined();
  });

  it("a status this package does not know stays UNKNOWN with the raw text", () => {
    const fulfilment = decodeOrder(get("orders/orderFulfilment/response-200.json"));
    expect(fulfilment).toMatchObject({ status: "UNKNOWN", statusRaw: "SUCCESS", phase: "unknown" });
    const order = decodeOrder({ ...get("orders/order-status/EMI.json"), status: "SOMETHING_NEW" });
    expect(order.status).toBe("UNKNOWN");
    expect(order.statusRaw).toBe("SOMETHING_NEW");
  });

  it("error bodies classify: moto-400 is an invalid request, fulfilment 400 with RESOURCE_NOT_FOUND is not-found", () => {
    const moto = errorFromResponse({ operation: "f", method: "POST", path: "/", secrets: [] }, 400, get("orders/create-order/moto-400.json"), new Headers());
    expect(moto.kind).toBe("invalid_request");
    const fulfil = errorFromResponse({ operation: "f", method: "POST", path: "/", secrets: [] }, 400, get("orders/orderFulfilment/response-400.json"), new Headers());
    expect(fulfil.kind).toBe("not_found");
    expect(fulfil.errorInfo?.code).toBe("RESOURCE_NOT_FOUND");
    expect(fulfil.errorInfo?.requestId).toBe("22359ce5-07d5-43bb-bdcb-6e35c46714d1");
  });

  it("wrong types and inexact amounts fail the decode", () => {
    const emi = get("orders/order-status/EMI.json");
    expect(() => decodeOrder({ ...emi, order_id: 42 })).toThrow(/order_id/);
    expect(() => decodeOrder({ ...emi, amount: 100.155 })).toThrow(/amount/);
    expect(() => decodeOrder({ ...emi, amount: -1 })).toThrow(/amount/);
    expect(() => decodeOrder({ ...emi, refunds: [{ amount: 1 }] })).toThrow(/refunds/);
  });
});
