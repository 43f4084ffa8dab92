import { Code } from "@connectrpc/connect";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { errorDetail } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { MandateAmountRule, MandateFrequency, MandateRuleType, type Mandate } from "@payments/proto/payments/v1/mandate_pb";
import { OrderType, StaleReason } from "@payments/proto/payments/v1/order_pb";
import { MandateStatus, OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fromNow, mandateRow, simMandateCommand, streamedMandateEvents, waitForMandateRow } from "./helpers/mandate-calls.js";
import { monthlyMandate, registerMandate, type RegisteredMandate, type RegisterMandateOptions } from "./helpers/mandates.js";
import { seedPaidOrder } from "./helpers/orders.js";
import { rpcError } from "./helpers/refund-calls.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// A mandate's life as the service sees it (issue 7): registered through a
// process payload with mandate options and the simulated SDK, brought in by
// Juspay's webhooks through the real bridge (the order sync job is held back,
// so only webhooks can tell the service), read with GetMandateOrderStatus and
// GetMandate, announced on StreamPaymentEvents, and listed in every state with
// ListMandates (paging, filters, the list refresh from Juspay, Juspay down).
//
// The simulated clock only moves forward, and a signed process payload must
// be at most 15 simulated minutes old: every clock advance here is small, and
// the ListMandates block (which expires a mandate) runs last.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ webhooks: true, settings: { orderSyncDelayMs: 600_000 } });
});
afterEach(() => stack.sim.faults.clear());
afterAll(async () => stack?.stop());

const db = () => stack.database.database.db;

async function register(options: RegisterMandateOptions, sdkStatus = "charged"): Promise<RegisteredMandate> {
  const registered = await registerMandate(stack, options);
  expect(registered.sdkStatus).toBe(sdkStatus);
  expect(registered.mandateId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  return registered;
}

/** Our stored webhook events of a mandate or its registration order, by name. */
async function webhookRows(reg: RegisteredMandate, names: string[]) {
  return db()
    .selectFrom("webhook_events")
    .selectAll()
    .where("event_name", "in", names)
    .where((eb) => eb.or([eb("mandate_id", "=", reg.mandateId), eb("order_id", "=", reg.orderId)]))
    .execute();
}

/** Waits until each named webhook of the mandate (or its order) is stored and every such row is PROCESSED. */
async function waitForWebhooksProcessed(reg: RegisteredMandate, names: string[]) {
  return eventually(
    async () => {
      const rows = await webhookRows(reg, names);
      const seen = new Set(rows.map((r) => r.event_name));
      return names.every((n) => seen.has(n)) && rows.every((r) => r.state === "PROCESSED") ? rows : undefined;
    },
    10_000,
    `webhooks ${names.join(", ")} of ${reg.mandateId} to be PROCESSED`,
  );
}

const seconds = (t: Mandate["startTime"]) => (t === undefined ? undefined : Math.floor(Number(timestampMs(t)) / 1000));

describe("mandate registration", () => {
  it("becomes ACTIVE by webhook alone; GetMandateOrderStatus then shows the order CHARGED with the mandate block, GetMandate the mandate", async () => {
    const reg = await register({ orderId: "mlc1", customerId: "cust_lc1" });
    // Nothing but Juspay's webhooks (through the bridge) can bring the mandate in: no RPC was made for it.
    const row = await waitForMandateRow(stack, reg.mandateId, "ACTIVE");
    expect(row.customer_id).toBe("cust_lc1");
    expect(row.registration_order_id).toBe("mlc1");
    const sim = stack.sim.state.mandates[reg.mandateId]!;
    expect(row.mandate_token).toBe(sim.mandateToken);
    const hooks = await waitForWebhooksProcessed(reg, ["MANDATE_ACTIVATED", "ORDER_SUCCEEDED"]);
    expect(hooks.map((h) => h.event_name).sort()).toEqual(["MANDATE_ACTIVATED", "ORDER_SUCCEEDED"]);

    const status = await stack.mandates.getMandateOrderStatus({ orderId: "mlc1" });
    expect(status.stale).toBe(false);
    expect(status.order?.orderId).toBe("mlc1");
    expect(status.order?.orderType).toBe(OrderType.MANDATE_REGISTRATION);
    expect(status.order?.status).toBe(OrderStatus.CHARGED);
    const m = status.mandate!;
    expect(m.mandateId).toBe(reg.mandateId);
    expect(m.mandateToken).toBe(sim.mandateToken);
    expect(m.status).toBe(MandateStatus.ACTIVE);
    expect(m.statusRaw).toBe("ACTIVE");
    expect(m.customerId).toBe("cust_lc1");
    expect(m.registrationOrderId).toBe("mlc1");
    expect(m.maxAmount?.amountMinor).toBe(500_000n);
    expect(m.maxAmount?.currency).toBe("INR");
    expect(m.amountRule).toBe(MandateAmountRule.VARIABLE);
    expect(m.frequency).toBe(MandateFrequency.MONTHLY);
    expect(m.ruleType).toBe(MandateRuleType.ON);
    expect(m.ruleValue).toBe(5);
    expect(seconds(m.startTime)).toBe(Math.floor(sim.startDate / 1000));
    expect(seconds(m.endTime)).toBe(Math.floor(sim.endDate / 1000));
    expect(Math.abs(seconds(m.startTime)! * 1000 - Date.now())).toBeLessThan(120_000);
    expect(m.revokableByCustomer).toBe(true);
    expect(m.blockFunds).toBe(false);
    expect(m.paymentMethodType).toBe("UPI");
    expect(m.activateTime).toBeDefined();

    const got = await stack.mandates.getMandate({ mandateId: reg.mandateId });
    expect(got.stale).toBe(false);
    expect(got.mandate?.mandateId).toBe(reg.mandateId);
    expect(got.mandate?.status).toBe(MandateStatus.ACTIVE);
    expect(got.mandate?.registrationOrderId).toBe("mlc1");
    expect(got.mandate?.maxAmount?.amountMinor).toBe(500_000n);
    expect(got.mandate?.lastSyncTime).toBeDefined();
  });

  it("a registration left pending is CREATED, then ACTIVE: MANDATE_CREATED and MANDATE_ACTIVATED on StreamPaymentEvents, with the mandate as subject", async () => {
    const reg = await register({ orderId: "mlc2", customerId: "cust_lc2", outcome: "pending_then_success" }, "pending_vbv");
    await waitForMandateRow(stack, reg.mandateId, "CREATED");
    const pending = await stack.mandates.getMandateOrderStatus({ orderId: "mlc2" });
    expect(pending.order?.status).toBe(OrderStatus.PENDING_VBV);
    expect(pending.mandate?.mandateId).toBe(reg.mandateId);
    expect(pending.mandate?.status).toBe(MandateStatus.CREATED);

    // The bank answers two simulated minutes later: CHARGED, the mandate ACTIVE, webhooks out.
    stack.sim.clock.advance(2 * 60_000 + 1_000);
    await waitForMandateRow(stack, reg.mandateId, "ACTIVE");
    await waitForWebhooksProcessed(reg, ["MANDATE_ACTIVATED", "ORDER_SUCCEEDED"]);

    const events = (await streamedMandateEvents(stack, reg.mandateId)).filter((e) => PaymentEventType[e.type]?.startsWith("MANDATE_"));
    expect(events.map((e) => e.type)).toEqual([PaymentEventType.MANDATE_CREATED, PaymentEventType.MANDATE_ACTIVATED]);
    const subjects = events.map((e) => (e.subject.case === "mandate" ? e.subject.value : undefined));
    expect(subjects.map((s) => s?.mandateId)).toEqual([reg.mandateId, reg.mandateId]);
    expect(subjects.map((s) => s?.status)).toEqual([MandateStatus.CREATED, MandateStatus.ACTIVE]);
    for (const e of events) {
      expect(e.mandateId).toBe(reg.mandateId);
      expect(e.customerId).toBe("cust_lc2");
      expect(e.orderId).toBe("mlc2");
    }
  });

  it("a mandate event caused by a webhook names that webhook event (PaymentEvent.webhook_event_id)", async () => {
    const reg = await register({ orderId: "mlc4", customerId: "cust_lc4" });
    await waitForMandateRow(stack, reg.mandateId, "ACTIVE");
    const hooks = await waitForWebhooksProcessed(reg, ["MANDATE_CREATED", "MANDATE_ACTIVATED", "ORDER_SUCCEEDED"]);
    const activated = (await streamedMandateEvents(stack, reg.mandateId)).filter((e) => e.type === PaymentEventType.MANDATE_ACTIVATED);
    expect(activated).toHaveLength(1);
    // Only webhooks can have moved this mandate: the order sync is held back and no RPC named it.
    expect(hooks.map((h) => h.event_id)).toContain(activated[0]!.webhookEventId);
  });

  it("GetMandateOrderStatus: an order that registers no mandate, or an unknown one, is NOT_FOUND", async () => {
    await seedPaidOrder(stack, { orderId: "mlcplain", amountMinor: 1_000n, customerId: "cust_lc3" });
    await stack.orders.getOrderStatus({ orderId: "mlcplain" });
    for (const orderId of ["mlcplain", "mlcnosuch"]) {
      const err = await rpcError(stack.mandates.getMandateOrderStatus({ orderId }));
      expect(err.code).toBe(Code.NotFound);
      expect(errorDetail(err)?.reason).toBe(ErrorReason.NOT_FOUND);
    }
    const unknown = await rpcError(stack.mandates.getMandate({ mandateId: "mlc_no_such_mandate" }));
    expect(unknown.code).toBe(Code.NotFound);
    expect(errorDetail(unknown)?.reason).toBe(ErrorReason.NOT_FOUND);
  });
});

describe("ListMandates", () => {
  const customerId = "cust_list";
  // Registered one after the other, each seen by the service before the next: newest first is E, F, R, P, A.
  let active = "";
  let paused = "";
  let revoked = "";
  let failed = "";
  let expired = "";
  const listCalls = () => stack.sim.counters.snapshot().requests["list_mandates"] ?? 0;
  const ids = (res: { mandates: Mandate[] }) => res.mandates.map((m) => m.mandateId);
  const statuses = (res: { mandates: Mandate[] }) => res.mandates.map((m) => m.status);

  beforeAll(async () => {
    const activeOne = async (orderId: string, over: Partial<RegisterMandateOptions> = {}) => {
      const { mandateId } = await register({ orderId, customerId, ...over });
      await waitForMandateRow(stack, mandateId, "ACTIVE");
      return mandateId;
    };
    active = await activeOne("mll1");
    paused = await activeOne("mll2");
    revoked = await activeOne("mll3");
    failed = (await register({ orderId: "mll4", customerId, outcome: "failure" }, "authorization_failed")).mandateId;
    await waitForMandateRow(stack, failed, "FAILURE");
    const end = fromNow(5 * 60_000);
    expired = await activeOne("mll5", { mandate: monthlyMandate({ endTime: end }) });
    // The payer pauses one in their app, and time runs out for another: Juspay's webhooks tell the service.
    await simMandateCommand(stack, paused, { command: "pause" });
    await waitForMandateRow(stack, paused, "PAUSED");
    stack.sim.clock.advance(Number(timestampMs(end)) - stack.sim.clock.now() + 1_000);
    await waitForMandateRow(stack, expired, "EXPIRED");
  });

  it("lists every state, newest first; the first page applies Juspay's list (a revoke nobody told the service of)", async () => {
    stack.sim.webhooks.configure({ paused: true });
    try {
      await simMandateCommand(stack, revoked, { command: "revoke" });
      expect((await mandateRow(stack, revoked))?.status).toBe("ACTIVE");
      const calls = listCalls();
      const all = await stack.mandates.listMandates({ customerId });
      expect(listCalls()).toBeGreaterThan(calls);
      expect(all.stale).toBe(false);
      expect(all.nextPageToken).toBe("");
      expect(ids(all)).toEqual([expired, failed, revoked, paused, active]);
      expect(statuses(all)).toEqual([MandateStatus.EXPIRED, MandateStatus.FAILURE, MandateStatus.REVOKED, MandateStatus.PAUSED, MandateStatus.ACTIVE]);
      expect(all.mandates.every((m) => m.customerId === customerId)).toBe(true);
      expect(all.mandates.map((m) => m.registrationOrderId)).toEqual(["mll5", "mll4", "mll3", "mll2", "mll1"]);
      expect((await mandateRow(stack, revoked))?.status).toBe("REVOKED");
    } finally {
      stack.sim.webhooks.configure({ paused: false });
    }
    const none = await stack.mandates.listMandates({ customerId: "cust_without_mandates" });
    expect(none.mandates).toEqual([]);
    expect(none.nextPageToken).toBe("");
  });

  it("pages with page_size and next_page_token, filters by status, and refuses a token from other filters (INVALID_ARGUMENT page_token)", async () => {
    const pages: string[][] = [];
    let pageToken = "";
    do {
      const page = await stack.mandates.listMandates({ customerId, pageSize: 2, pageToken });
      pages.push(ids(page));
      pageToken = page.nextPageToken;
    } while (pageToken !== "" && pages.length < 10);
    expect(pages).toEqual([[expired, failed], [revoked, paused], [active]]);

    const live = await stack.mandates.listMandates({ customerId, statuses: [MandateStatus.ACTIVE, MandateStatus.PAUSED] });
    expect(ids(live)).toEqual([paused, active]);
    const ended = await stack.mandates.listMandates({ customerId, statuses: [MandateStatus.REVOKED, MandateStatus.EXPIRED, MandateStatus.FAILURE] });
    expect(ids(ended)).toEqual([expired, failed, revoked]);

    const filter = { customerId, statuses: [MandateStatus.ACTIVE, MandateStatus.PAUSED], pageSize: 1 };
    const first = await stack.mandates.listMandates(filter);
    expect(ids(first)).toEqual([paused]);
    expect(first.nextPageToken).not.toBe("");
    const second = await stack.mandates.listMandates({ ...filter, pageToken: first.nextPageToken });
    expect(ids(second)).toEqual([active]);
    const err = await rpcError(stack.mandates.listMandates({ ...filter, statuses: [MandateStatus.ACTIVE], pageToken: first.nextPageToken }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(errorDetail(err)?.reason).toBe(ErrorReason.INVALID_FIELD);
    expect(errorDetail(err)?.fieldViolations.map((v) => v.field)).toEqual(["page_token"]);
  });

  it("Juspay down: answers from our rows with stale = true, and catches up once Juspay is back", async () => {
    stack.sim.webhooks.configure({ paused: true });
    try {
      // Juspay has it PAUSED; the service has not heard yet.
      await simMandateCommand(stack, active, { command: "pause" });
      stack.sim.faults.add({ route: "list_mandates", fault: { kind: "status", status: 503 }, times: 6 });
      const calls = listCalls();
      const stale = await stack.mandates.listMandates({ customerId });
      expect(listCalls()).toBeGreaterThan(calls);
      expect(stale.stale).toBe(true);
      expect(stale.staleReason).toBe(StaleReason.JUSPAY_UNAVAILABLE);
      expect(ids(stale)).toEqual([expired, failed, revoked, paused, active]);
      expect(statuses(stale)).toEqual([MandateStatus.EXPIRED, MandateStatus.FAILURE, MandateStatus.REVOKED, MandateStatus.PAUSED, MandateStatus.ACTIVE]);

      stack.sim.faults.clear();
      const fresh = await stack.mandates.listMandates({ customerId });
      expect(fresh.stale).toBe(false);
      expect(fresh.staleReason).toBe(StaleReason.UNSPECIFIED);
      expect(statuses(fresh).at(-1)).toBe(MandateStatus.PAUSED);
    } finally {
      stack.sim.webhooks.configure({ paused: false });
    }
  });
});
