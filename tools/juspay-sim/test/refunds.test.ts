import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRefundOutcome } from "../src/engine/refunds.js";
import { DUPLICATE_REFUND_WINDOW_MS, REFUND_SETTLE_MS, REFUND_TO_GATEWAY_MS } from "../src/engine/sandbox.js";
import { captureEvents, chargedOrder, newOrder, pay, startApi, type Api, type Emitted, type Json } from "./helpers/api.js";
import { fixture, shapeProblems } from "./helpers/shape.js";

let api: Api;
let events: Emitted[];

beforeAll(async () => {
  api = await startApi();
  events = captureEvents(api);
});
afterAll(() => api.close());

let n = 0;
const rid = (): string => `rfd${Date.now().toString(36)}${(n++).toString(36)}`.slice(0, 20);
const refund = (orderId: string, amount: string, uniqueRequestId = rid()): Promise<{ status: number; body: Json }> =>
  api.form(`/orders/${orderId}/refunds`, { unique_request_id: uniqueRequestId, amount });
const order = async (id: string): Promise<Json> => (await api.get(`/orders/${id}`)).body;
const namesFor = (id: string): string[] => events.filter((e) => e.content.order?.order_id === id).map((e) => e.name);
const idsSeen = (id: string): string[] => api.sim.counters.snapshot().uniqueRequestIdsPerOrder[id] ?? [];

describe("POST /orders/:id/refunds", () => {
  it("answers with the full order holding a new PENDING refund", async () => {
    const id = await chargedOrder(api, "100");
    const uid = rid();
    const res = await refund(id, "40.50", uid);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ order_id: id, status: "CHARGED", amount_refunded: 40.5, refunded: false, maximum_eligible_refund_amount: 59.5 });
    expect(res.body.refunds).toMatchObject([{ unique_request_id: uid, status: "PENDING", sent_to_gateway: false, id: null, amount: 40.5, initiated_by: "API", refund_type: "STANDARD" }]);
    expect(namesFor(id).at(-1)).toBe("REFUND_INITIATED");
    expect(idsSeen(id)).toEqual([uid]);
  });

  it("moves PENDING → sent to the gateway → SUCCESS over simulated time", async () => {
    const id = await chargedOrder(api, "100");
    const uid = rid();
    await refund(id, "100", uid);
    api.sim.clock.advance(REFUND_TO_GATEWAY_MS);
    expect((await order(id)).refunds[0]).toMatchObject({ status: "PENDING", sent_to_gateway: true, id: uid });
    api.sim.clock.advance(REFUND_SETTLE_MS - REFUND_TO_GATEWAY_MS);
    const body = await order(id);
    expect(body).toMatchObject({ refunded: true, amount_refunded: 100, maximum_eligible_refund_amount: 0 });
    expect(body.refunds[0]).toMatchObject({ status: "SUCCESS", sent_to_gateway: true, error_code: "00" });
    expect(body.refunds[0].arn).toEqual(expect.any(String));
    expect(namesFor(id).slice(-2)).toEqual(["REFUND_INITIATED", "ORDER_REFUNDED"]);
  });

  it("applies the sandbox rules: paise 13 → FAILURE, 17 → MANUAL_REVIEW", async () => {
    const id = await chargedOrder(api, "100");
    await refund(id, "1.13");
    await refund(id, "2.17");
    api.sim.clock.advance(REFUND_SETTLE_MS);
    const body = await order(id);
    expect(body.refunds.map((r: Json) => r.status)).toEqual(["FAILURE", "MANUAL_REVIEW"]);
    // A failed refund gives the money back to refundable; manual review still counts.
    expect(body.amount_refunded).toBe(2.17);
    expect(namesFor(id)).toContain("ORDER_REFUND_FAILED");
    expect(namesFor(id)).toContain("REFUND_MANUAL_REVIEW_NEEDED");
  });

  it("lets setRefundOutcome override the rules, before or after the refund arrives", async () => {
    const id = await chargedOrder(api, "100");
    const early = rid();
    expect(setRefundOutcome(api.sim.context, id, early, "FAILURE")).toBe(true);
    await refund(id, "10", early);
    const late = rid();
    await refund(id, "20", late);
    expect(setRefundOutcome(api.sim.context, id, late, "MANUAL_REVIEW")).toBe(true);
    api.sim.clock.advance(REFUND_SETTLE_MS);
    expect((await order(id)).refunds.map((r: Json) => r.status)).toEqual(["FAILURE", "MANUAL_REVIEW"]);
    expect(setRefundOutcome(api.sim.context, id, late, "SUCCESS")).toBe(false);
  });

  it("rejects a reused unique_request_id with duplicate.call, and still counts the call", async () => {
    const id = await chargedOrder(api, "100");
    const uid = rid();
    await refund(id, "10", uid);
    api.sim.clock.advance(REFUND_SETTLE_MS);
    const again = await refund(id, "10", uid);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      status_id: -1,
      status: "ERROR",
      error_code: "duplicate.call",
      error_message: "A refund call was already completed with this unique_request_id for the order.",
    });
    expect(idsSeen(id)).toEqual([uid]);
    expect((await order(id)).refunds).toHaveLength(1);
  });

  it("rejects the same amount under a new id within 5 s, accepts it later", async () => {
    const id = await chargedOrder(api, "100");
    const first = rid();
    await refund(id, "10", first);
    const second = rid();
    const dup = await refund(id, "10", second);
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ error_code: "duplicate.call", error_message: "A refund call was already processing with this amount for the order." });
    // The counter is how a client inventing a new id per retry gets caught.
    expect(idsSeen(id)).toEqual([first, second]);
    expect((await refund(id, "11")).status).toBe(200);
    api.sim.clock.advance(DUPLICATE_REFUND_WINDOW_MS);
    expect((await refund(id, "10")).status).toBe(200);
  });

  it("rejects more than the refundable amount with invalid.amount.exceeded", async () => {
    const id = await chargedOrder(api, "100");
    expect((await refund(id, "60")).status).toBe(200);
    const over = await refund(id, "40.01");
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ status: "ERROR", error_code: "invalid.amount.exceeded" });
    expect((await refund(id, "40")).status).toBe(200);
  });

  it("refunds only CHARGED orders", async () => {
    const fresh = await newOrder(api);
    const res = await refund(fresh, "1");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: "invalid.order.not_successful" });
    const failed = await newOrder(api);
    pay(api, failed, { outcome: "failure" });
    expect((await refund(failed, "1")).body.error_code).toBe("invalid.order.not_successful");
  });

  it("validates unique_request_id and amount", async () => {
    const id = await chargedOrder(api, "100");
    const missing = await api.form(`/orders/${id}/refunds`, { amount: "1" });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ status: "Bad Request", error_code: "Mandatory fields are missing" });
    expect((await api.form(`/orders/${id}/refunds`, { unique_request_id: rid() })).body.status).toBe("Bad Request");
    const long = await refund(id, "1", "x".repeat(21));
    expect(long.status).toBe(400);
    expect(long.body.error_code).toBe("invalid.unique_request_id");
    expect((await refund(id, "0")).body).toMatchObject({ error_code: "invalid amount" });
    expect((await refund(id, "1.001")).status).toBe(400);
  });

  it("refuses a unique_request_id with special characters or over 20 characters in the shape of Juspay's published refund errors", async () => {
    // The refund-order reference's table (developer.juspay.in/reference/refund-order) publishes no body for
    // these two rules, only this family: {status_id: -1, status: "ERROR", error_message, error_code}.
    const published = { status_id: -1, status: "ERROR", error_message: "A refund call was already completed with this unique_request_id for the order.", error_code: "duplicate.call" };
    const id = await chargedOrder(api, "100");
    for (const bad of ["rfd.1", "rfd 1", "rfd@1", "x".repeat(21)]) {
      const res = await refund(id, "1", bad);
      expect(res.status, bad).toBe(400);
      expect(Object.keys(res.body).sort(), bad).toEqual(Object.keys(published).sort());
      expect(shapeProblems(published, res.body), bad).toEqual([]);
      expect(res.body, bad).toMatchObject({ status_id: -1, status: "ERROR", error_code: "invalid.unique_request_id" });
    }
    // Juspay's own sample ids use "_" (refund_122_3472, paytmv2_12231723_50): accepted.
    expect((await refund(id, "1", "refund_122_3472")).status).toBe(200);
  });

  it("answers NOT_FOUND for an unknown order and still counts the id", async () => {
    const res = await refund("nosuchorder", "1", "abc");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "NOT_FOUND", status_id: 40 });
    expect(idsSeen("nosuchorder")).toContain("abc");
  });
});

describe("POST /refunds", () => {
  it("refunds by order_id or txn_id and answers with one refund object", async () => {
    const id = await chargedOrder(api, "100");
    const byOrder = await api.form("/refunds", { order_id: id, unique_request_id: rid(), amount: "5" });
    expect(byOrder.status).toBe(200);
    expect(byOrder.body).toMatchObject({ order_id: id, txn_id: `sim_merchant-${id}-1`, status: "PENDING", sent_to_gateway: false, amount: 5, refund_type: "STANDARD" });
    const byTxn = await api.form("/refunds", { txn_id: `sim_merchant-${id}-1`, unique_request_id: rid(), amount: "6", refund_type: "INSTANT" });
    expect(byTxn.body).toMatchObject({ order_id: id, amount: 6, refund_type: "INSTANT" });
    expect(idsSeen(id)).toHaveLength(2);
  });

  it("rejects a failed txn, an unknown txn or order, and a call naming neither", async () => {
    const id = await newOrder(api);
    pay(api, id, { outcome: "failure" });
    pay(api, id, { outcome: "success" });
    const failedTxn = await api.form("/refunds", { txn_id: `sim_merchant-${id}-1`, unique_request_id: rid(), amount: "1" });
    expect(failedTxn.body.error_code).toBe("invalid.order.not_successful");
    expect((await api.form("/refunds", { txn_id: "nope-1", unique_request_id: rid(), amount: "1" })).status).toBe(400);
    expect((await api.form("/refunds", { order_id: "nosuchorder", unique_request_id: rid(), amount: "1" })).body.status).toBe("NOT_FOUND");
    expect((await api.form("/refunds", { unique_request_id: rid(), amount: "1" })).body.status).toBe("Bad Request");
  });
});

describe("fixture shapes", () => {
  const RAZORPAY_REF = { "metadata.RAZORPAY:gateway_reference_id": "testmid" };

  it("refund-order/response.json", async () => {
    const id = await chargedOrder(api, "1", { paymentMethodType: "CARD" }, RAZORPAY_REF);
    const res = await refund(id, "1");
    expect(shapeProblems(fixture("orders/refund-order/response.json"), res.body)).toEqual([]);
  });

  it("refunds/txn-id.json and refunds/instant.json", async () => {
    const id = await chargedOrder(api, "10");
    const std = await api.form("/refunds", { txn_id: `sim_merchant-${id}-1`, unique_request_id: rid(), amount: "1" });
    expect(shapeProblems(fixture("orders/refunds/txn-id.json"), std.body)).toEqual([]);
    const instant = await api.form("/refunds", { order_id: id, unique_request_id: rid(), amount: "2", refund_type: "INSTANT" });
    expect(shapeProblems(fixture("orders/refunds/instant.json"), instant.body)).toEqual([]);
  });

  const webhookSkips = {
    "order.payment_gateway_response.gateway_response": "raw PG payload in webhooks depends on the dashboard's addFullGatewayResponse flag, not modelled",
    "order.metadata.merchant_payload": "set by the SDK's signed-payload flow, not by the merchant API",
    "order.metadata.payment_page_client_id": "session/SDK orders only; these orders come from POST /orders",
    "order.metadata.payment_page_sdk_payload": "session/SDK orders only",
    "order.metadata.payment_links": "session/SDK orders only",
  };
  const last = (name: string, id: string): Json => events.filter((e) => e.name === name && e.content.order?.order_id === id).at(-1)!.content;

  it.each([
    ["REFUND_INITIATED", "refund_initiate", "CARD", "5.00", 0],
    ["ORDER_REFUNDED", "order_refunded", "CARD", "5.00", REFUND_SETTLE_MS],
    ["ORDER_REFUND_FAILED", "order_refund_failed", "UPI", "5.13", REFUND_SETTLE_MS],
    ["REFUND_MANUAL_REVIEW_NEEDED", "refund_manual_review", "UPI", "5.17", REFUND_SETTLE_MS],
  ] as const)("webhook %s matches webhooks/%s.json", async (name, file, type, amount, wait) => {
    const id = await chargedOrder(api, "86", { paymentMethodType: type }, RAZORPAY_REF);
    if (file === "refund_manual_review") {
      // That sample also holds an earlier, successful refund.
      await refund(id, "1.00");
      api.sim.clock.advance(REFUND_SETTLE_MS);
    }
    await refund(id, amount);
    api.sim.clock.advance(wait);
    const sample = fixture(`webhooks/${file}.json`) as { content: unknown };
    // refund_manual_review.json stringifies every scalar ("1551", "true").
    expect(shapeProblems(sample.content, last(name, id), { skip: webhookSkips, lenientScalars: file === "refund_manual_review" })).toEqual([]);
  });
});
