import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetail, errorReason } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ListWebhookEventsRequestSchema } from "@payments/proto/payments/v1/webhook_service_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimOrder, insertOrderRow, paySimOrder } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { eventRow, orderStatus, orderWebhookBody, STATE, waitForFinal } from "./helpers/webhooks.js";

// ListWebhookEvents (filters, bodies, keyset paging, tokens bound to their
// filters) and ReplayWebhookEvent (reprocessing, idempotency key, unknown
// event) over gRPC against the real stack.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

type ListInit = MessageInitShape<typeof ListWebhookEventsRequestSchema>;

/** Ingests `body`, then dates its row `at` (the service stamps its own receive time), and returns our event id. */
async function ingestAt(body: Uint8Array, at?: Date): Promise<string> {
  const res = await stack.webhooks.ingestJuspayWebhook({
    method: "POST",
    path: "/webhooks/juspay",
    body,
    headers: [{ name: "content-type", value: "application/json" }],
  });
  if (at) await stack.database.database.db.updateTable("webhook_events").set({ receive_time: at }).where("event_id", "=", res.eventId).execute();
  return res.eventId;
}

function mandateBody(mandateId: string, eventName: string, orderId: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: `evt_V2_mandate${mandateId}${eventName}`,
      event_name: eventName,
      date_created: new Date().toISOString(),
      content: { mandate: { mandate_id: mandateId, order_id: orderId, status: "ACTIVE" } },
    }),
  );
}

/** Every page of one listing (from req.pageToken on): the ids in order, and how many pages it took. */
async function listAll(req: ListInit): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pageToken = req.pageToken ?? "";
  let pages = 0;
  do {
    const page = await stack.webhooks.listWebhookEvents({ ...req, pageToken });
    ids.push(...page.events.map((e) => e.eventId));
    pageToken = page.nextPageToken;
    pages++;
    if (pages > 100) throw new Error("paging does not end");
  } while (pageToken !== "");
  return { ids, pages };
}

async function invalidPageToken(req: ListInit): Promise<void> {
  const err = await stack.webhooks.listWebhookEvents(req).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectError);
  expect((err as ConnectError).code).toBe(Code.InvalidArgument);
  expect(errorReason(err)).toBe(ErrorReason.INVALID_FIELD);
  expect(errorDetail(err)?.fieldViolations.map((v) => [v.field, v.rule])).toEqual([["page_token", "custom"]]);
}

describe("ListWebhookEvents filters", () => {
  // Receive times in 2001 keep these events apart from every other test's.
  const t0 = new Date("2001-02-03T04:05:06.789Z");
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ids.succeeded = await ingestAt(orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whlistA", amount: 1, status: "CHARGED" }), at(0));
    ids.failed = await ingestAt(orderWebhookBody({ eventName: "ORDER_FAILED", orderId: "whlistA", amount: 1, status: "AUTHENTICATION_FAILED" }), at(1));
    ids.otherOrder = await ingestAt(orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whlistB", amount: 2, status: "CHARGED" }), at(2));
    ids.mandate = await ingestAt(mandateBody("mdtList1", "MANDATE_ACTIVATED", "whlistM"), at(3));
    // No order rows, and a mandate Juspay does not know: all four end UNMATCHED.
    for (const id of Object.values(ids)) await waitForFinal(stack, id);
  });

  const list = async (req: ListInit) => (await stack.webhooks.listWebhookEvents(req)).events;

  it("by order_id, newest first, with what each event says", async () => {
    const events = await list({ orderId: "whlistA" });
    expect(events.map((e) => e.eventId)).toEqual([ids.failed, ids.succeeded]);
    expect(events.map((e) => e.eventName)).toEqual(["ORDER_FAILED", "ORDER_SUCCEEDED"]);
    expect(events.every((e) => e.orderId === "whlistA" && e.state === STATE.UNMATCHED && e.deliveryCount === 1)).toBe(true);
  });

  it("by mandate_id", async () => {
    const events = await list({ mandateId: "mdtList1" });
    expect(events.map((e) => [e.eventId, e.state, e.mandateId])).toEqual([[ids.mandate, STATE.UNMATCHED, "mdtList1"]]);
  });

  it("by event_name, combined with the other filters (AND)", async () => {
    const range = { receiveTimeFrom: timestampFromDate(at(0)), receiveTimeTo: timestampFromDate(at(10)) };
    expect((await list({ ...range, eventName: "ORDER_SUCCEEDED" })).map((e) => e.eventId)).toEqual([ids.otherOrder, ids.succeeded]);
    expect((await list({ ...range, eventName: "ORDER_SUCCEEDED", orderId: "whlistB" })).map((e) => e.eventId)).toEqual([ids.otherOrder]);
    expect(await list({ ...range, eventName: "ORDER_REFUNDED" })).toEqual([]);
  });

  it("by states (any of them)", async () => {
    const range = { receiveTimeFrom: timestampFromDate(at(0)), receiveTimeTo: timestampFromDate(at(10)) };
    expect((await list({ ...range, states: [STATE.UNMATCHED], mandateId: "mdtList1" })).map((e) => e.eventId)).toEqual([ids.mandate]);
    expect((await list({ ...range, states: [STATE.IGNORED, STATE.UNMATCHED] })).length).toBe(4);
    expect(await list({ ...range, states: [STATE.PROCESSED, STATE.IGNORED] })).toEqual([]);
    const err = await stack.webhooks.listWebhookEvents({ states: [STATE.UNSPECIFIED] }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
  });

  it("by receive time: from inclusive, to exclusive; to before from is refused", async () => {
    const window = await list({ receiveTimeFrom: timestampFromDate(at(1)), receiveTimeTo: timestampFromDate(at(3)) });
    expect(window.map((e) => e.eventId)).toEqual([ids.otherOrder, ids.failed]);
    expect(window[0]?.receiveTime && window[0].receiveTime.seconds).toBe(BigInt(Math.floor(at(2).getTime() / 1000)));
    const err = await stack.webhooks.listWebhookEvents({ receiveTimeFrom: timestampFromDate(at(3)), receiveTimeTo: timestampFromDate(at(1)) }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["receive_time_to"]);
  });

  it("include_body: the raw bytes only when asked for", async () => {
    const [without] = await list({ orderId: "whlistB" });
    expect(without?.body.length).toBe(0);
    const [withBody] = await list({ orderId: "whlistB", includeBody: true });
    const stored = await eventRow(stack, ids.otherOrder as string);
    expect(Buffer.from(withBody?.body ?? []).equals(Buffer.from(stored?.body ?? []))).toBe(true);
    expect(JSON.parse(Buffer.from(withBody?.body ?? []).toString("utf8")).event_name).toBe("ORDER_SUCCEEDED");
  });
});

describe("ListWebhookEvents paging", () => {
  const t0 = new Date("2002-03-04T05:06:07.123Z");
  const expected: string[] = [];
  const range: ListInit = { receiveTimeFrom: timestampFromDate(t0), receiveTimeTo: timestampFromDate(new Date(t0.getTime() + 3_600_000)) };

  beforeAll(async () => {
    // 11 events, several sharing one receive time (ties broken by event id).
    const times = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4].map((s) => new Date(t0.getTime() + s * 1_000));
    const stored: string[] = [];
    for (const [i, time] of times.entries()) {
      stored.push(await ingestAt(orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: `whpage${i}`, amount: 1, status: "CHARGED" }), time));
    }
    // The reference order: one page holding everything (ties on event id follow the database's collation).
    const all = await stack.webhooks.listWebhookEvents({ ...range, pageSize: 200 });
    expect(all.nextPageToken).toBe("");
    expect([...all.events.map((e) => e.eventId)].sort()).toEqual([...stored].sort());
    const times_ = all.events.map((e) => Number(e.receiveTime?.seconds) * 1e3 + Math.floor((e.receiveTime?.nanos ?? 0) / 1e6));
    expect(times_).toEqual([...times_].sort((a, b) => b - a));
    expected.push(...all.events.map((e) => e.eventId));
  });

  it.each([1, 3, 4, 10, 11, 0])("page_size %i walks every event once, in order", async (pageSize) => {
    const { ids, pages } = await listAll({ ...range, pageSize });
    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    const size = pageSize === 0 ? 50 : pageSize;
    expect(pages).toBe(Math.max(1, Math.ceil(expected.length / size)));
  });

  it("events arriving between pages (newer) neither shift nor repeat the walk", async () => {
    const first = await stack.webhooks.listWebhookEvents({ ...range, pageSize: 4 });
    await ingestAt(orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whpagelate", amount: 1, status: "CHARGED" }), new Date(t0.getTime() + 10_000));
    const rest = await listAll({ ...range, pageSize: 4, pageToken: first.nextPageToken });
    // The newcomer sorts before the position of the token: it belongs to a fresh walk, not this one.
    expect([...first.events.map((e) => e.eventId), ...rest.ids]).toEqual(expected);
  });

  it("page_size and include_body may change between pages", async () => {
    const first = await stack.webhooks.listWebhookEvents({ ...range, pageSize: 2 });
    const second = await stack.webhooks.listWebhookEvents({ ...range, pageSize: 5, includeBody: true, pageToken: first.nextPageToken });
    expect(second.events.map((e) => e.eventId)[0]).not.toBe(first.events[1]?.eventId);
    expect(second.events.every((e) => e.body.length > 0)).toBe(true);
  });

  it("events received now (microsecond receive times, which a JS Date cannot hold) page without gaps or repeats", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(await ingestAt(orderWebhookBody({ eventName: i % 2 ? "ORDER_FAILED" : "ORDER_SUCCEEDED", orderId: "whpagenow", amount: 1, status: "CHARGED" })));
    }
    const walked = await listAll({ orderId: "whpagenow", pageSize: 2 });
    expect(walked.ids).toEqual([...ids].reverse());
    expect(walked.pages).toBe(4);
  });

  it("a token used with other filters is INVALID_ARGUMENT on page_token", async () => {
    const first = await stack.webhooks.listWebhookEvents({ ...range, pageSize: 2 });
    expect(first.nextPageToken).not.toBe("");
    await invalidPageToken({ pageSize: 2, pageToken: first.nextPageToken });
    await invalidPageToken({ ...range, eventName: "ORDER_SUCCEEDED", pageSize: 2, pageToken: first.nextPageToken });
    await invalidPageToken({ ...range, states: [STATE.UNMATCHED], pageSize: 2, pageToken: first.nextPageToken });
  });

  it("a garbage token is INVALID_ARGUMENT on page_token", async () => {
    for (const pageToken of ["garbage", "!!!", Buffer.from('{"s":"x"}').toString("base64url"), Buffer.from("[1,2]").toString("base64url")]) {
      await invalidPageToken({ ...range, pageToken });
    }
  });
});

describe("ReplayWebhookEvent", () => {
  let unmatchedId: string;

  beforeAll(async () => {
    await createSimOrder(stack, { orderId: "whreplay1", amountMinor: 500n });
    await paySimOrder(stack, "whreplay1");
    unmatchedId = await ingestAt(orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whreplay1", amount: 5, status: "CHARGED" }));
    expect((await waitForFinal(stack, unmatchedId)).state).toBe("UNMATCHED");
  });

  it("reprocesses an UNMATCHED event once its order row exists: PROCESSED, the order CHARGED", async () => {
    await insertOrderRow(stack, { orderId: "whreplay1", amountMinor: 500n });
    const res = await stack.webhooks.replayWebhookEvent({ idempotencyKey: "replay-key-0001", eventId: unmatchedId });
    expect(res.event?.eventId).toBe(unmatchedId);
    expect(res.event?.state).toBe(STATE.PROCESSED);
    expect(res.event?.attemptCount).toBe(2);
    expect(res.event?.lastError).toBe("");
    expect(res.event?.body.length).toBe(0);
    expect(await orderStatus(stack, "whreplay1")).toBe("CHARGED");
  });

  it("the same key again answers the stored response without processing again", async () => {
    const again = await stack.webhooks.replayWebhookEvent({ idempotencyKey: "replay-key-0001", eventId: unmatchedId });
    expect(again.event?.state).toBe(STATE.PROCESSED);
    expect(again.event?.attemptCount).toBe(2);
    expect((await eventRow(stack, unmatchedId))?.attempt_count).toBe(2);
  });

  it("a new key processes again (harmless: Juspay's truth is applied once more)", async () => {
    const res = await stack.webhooks.replayWebhookEvent({ idempotencyKey: "replay-key-0002", eventId: unmatchedId });
    expect(res.event?.state).toBe(STATE.PROCESSED);
    expect(res.event?.attemptCount).toBe(3);
    expect(await orderStatus(stack, "whreplay1")).toBe("CHARGED");
  });

  it("the same key for another event is FAILED_PRECONDITION (IDEMPOTENCY_KEY_REUSED)", async () => {
    const other = await ingestAt(orderWebhookBody({ eventName: "ORDER_FAILED", orderId: "whreplay2", amount: 5, status: "AUTHENTICATION_FAILED" }));
    await waitForFinal(stack, other);
    const err = await stack.webhooks.replayWebhookEvent({ idempotencyKey: "replay-key-0001", eventId: other }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.FailedPrecondition);
    expect(errorReason(err)).toBe(ErrorReason.IDEMPOTENCY_KEY_REUSED);
    expect((await eventRow(stack, other))?.attempt_count).toBe(1);
  });

  it("an unknown event id is NOT_FOUND, and the key stays free for a real request", async () => {
    const err = await stack.webhooks.replayWebhookEvent({ idempotencyKey: "replay-key-0003", eventId: "whe_doesNotExist" }).catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.NotFound);
    expect(errorReason(err)).toBe(ErrorReason.NOT_FOUND);
    const res = await stack.webhooks.replayWebhookEvent({ idempotencyKey: "replay-key-0003", eventId: unmatchedId });
    expect(res.event?.state).toBe(STATE.PROCESSED);
  });
});
