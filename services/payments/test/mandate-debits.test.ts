import { Code } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { MandateAmountRule } from "@payments/proto/payments/v1/mandate_pb";
import type { ExecuteMandateRequest } from "@payments/proto/payments/v1/mandate_service_pb";
import { OrderType, StaleReason } from "@payments/proto/payments/v1/order_pb";
import { MandateStatus, NotificationStatus, OrderStatus } from "@payments/proto/payments/v1/statuses_pb";
import type { Fault } from "@payments/juspay-sim";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  activeMandate,
  executionRow,
  fromNow,
  HOUR_MS,
  inr,
  notify,
  orderRow,
  refusal,
  simMandateCommandUnannounced,
  simOrder,
  simRequests,
  streamedEvent,
  waitForOrderRow,
  waitForProcessedWebhook,
  type ActiveMandate,
} from "./helpers/mandate-debit-calls.js";
import { monthlyMandate } from "./helpers/mandates.js";
import { eventually, startStack, type Stack } from "./helpers/stack.js";

// ExecuteMandate and GetMandateExecutionStatus against the simulator (spec:
// issue 7, ADR 0013). A debit is a MANDATE_EXECUTION order written before
// POST /txns; the simulator keeps it PENDING_VBV for 2 simulated minutes,
// then charges it (UPI: only ₹10/20/30/40) and it is followed like any
// order. Our rules refuse bad debits before any write or Juspay call; a
// caller key never debits twice; a lost answer or a request that never
// reached Juspay ends in exactly one debit.

let stack: Stack;
let m: ActiveMandate;
beforeAll(async () => {
  // The first execution.sync runs 3 s after a debit is written, so a call whose answer is lost ends (PENDING) before the job looks.
  // USD is enabled so that "another currency" reaches the mandate comparison (a currency not enabled is refused earlier, as INVALID_ARGUMENT).
  stack = await startStack({ webhooks: true, settings: { orderSyncDelayMs: 3_000, syncMaxIntervalMs: 3_000, currencies: ["INR", "USD"] } });
  m = await activeMandate(stack, "mde1");
});
afterEach(() => stack.sim.faults.clear());
afterAll(async () => stack?.stop());

const SETTLE_MS = 2 * 60_000;
const PENDING = [OrderStatus.PENDING_VBV, OrderStatus.PENDING];

type Debit = Omit<Partial<ExecuteMandateRequest>, "$typeName" | "$unknown" | "amount"> & { orderId: string; amountMinor?: bigint; amount?: { amountMinor: bigint; currency: string } };

/** ExecuteMandate on `m` (or `mandateId`), key derived from the order id unless given. */
function execute(debit: Debit, timeoutMs?: number) {
  const { amountMinor, amount, ...rest } = debit;
  return stack.mandates.executeMandate(
    { idempotencyKey: `exe-${debit.orderId}`, mandateId: m.mandateId, amount: amount ?? inr(amountMinor ?? 2_000n), ...rest },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
}

/** The debit attempts Juspay holds for an order (0 when Juspay never heard of it). */
const simDebits = (orderId: string) => simOrder(stack, orderId)?.txns.length ?? 0;

async function waitForNotification(notificationId: string, status: NotificationStatus) {
  await eventually(
    async () => ((await stack.mandates.getPreDebitNotification({ notificationId })).notification?.status === status ? true : undefined),
    15_000,
    `notification ${notificationId} to be ${NotificationStatus[status]}`,
  );
}

describe("ExecuteMandate", () => {
  it("debits ₹20 after a notification: PENDING_VBV with its execution, CHARGED 2 simulated minutes later by status read, webhook and stream", async () => {
    await notify(stack, m.mandateId, "pdnD1", 2_000n);
    stack.sim.clock.advance(60_000);
    await waitForNotification("pdnD1", NotificationStatus.SUCCESS);
    const txns = simRequests(stack, "txns");

    const res = await execute({ orderId: "mdeD1", amountMinor: 2_000n, notificationId: "pdnD1", displayInvoiceNumber: "INV20261" });
    expect(PENDING).toContain(res.order!.status);
    expect(res.order).toMatchObject({ orderId: "mdeD1", orderType: OrderType.MANDATE_EXECUTION, mandateId: m.mandateId, customerId: m.customerId, terminal: false });
    expect(res.order!.amount).toMatchObject(inr(2_000n));
    expect(res.execution).toMatchObject({ orderId: "mdeD1", mandateId: m.mandateId, notificationId: "pdnD1", displayInvoiceNumber: "INV20261" });
    expect(res.execution!.amount).toMatchObject(inr(2_000n));
    expect(await orderRow(stack, "mdeD1")).toMatchObject({ order_type: "MANDATE_EXECUTION", customer_id: m.customerId, amount_minor: 2_000n });
    expect(await executionRow(stack, "mdeD1")).toMatchObject({ mandate_id: m.mandateId, notification_id: "pdnD1" });
    expect(simRequests(stack, "txns")).toBe(txns + 1);
    expect(simOrder(stack, "mdeD1")?.executesMandateId).toBe(m.mandateId);
    expect(simDebits("mdeD1")).toBe(1);

    stack.sim.clock.advance(SETTLE_MS);
    await waitForProcessedWebhook(stack, "ORDER_SUCCEEDED", "mdeD1");
    await waitForOrderRow(stack, "mdeD1", "CHARGED");
    const status = await stack.mandates.getMandateExecutionStatus({ orderId: "mdeD1" });
    expect(status.stale).toBe(false);
    expect(status.order).toMatchObject({ orderId: "mdeD1", status: OrderStatus.CHARGED, terminal: true, mandateId: m.mandateId });
    expect(status.execution).toMatchObject({ orderId: "mdeD1", mandateId: m.mandateId, notificationId: "pdnD1" });
    expect(status.notification).toMatchObject({ notificationId: "pdnD1", mandateId: m.mandateId, status: NotificationStatus.SUCCESS });
    const event = await streamedEvent(stack, [PaymentEventType.ORDER_CHARGED], (e) => e.orderId === "mdeD1");
    expect(event.mandateId).toBe(m.mandateId);
    expect(event.subject.case === "order" && event.subject.value.status).toBe(OrderStatus.CHARGED);
    expect(simDebits("mdeD1")).toBe(1);
    expect(simRequests(stack, "txns")).toBe(txns + 1);
  });

  it("GetMandateExecutionStatus reads Order Status, as Juspay documents a debit's status, and never the undocumented /txns/v2 path", async () => {
    const res = await execute({ orderId: "mdeF1", amountMinor: 3_000n });
    expect(PENDING).toContain(res.order!.status);
    for (const expected of [res.order!.status, OrderStatus.CHARGED]) {
      if (expected === OrderStatus.CHARGED) stack.sim.clock.advance(SETTLE_MS);
      const before = simRequests(stack, "order_status");
      const status = await stack.mandates.getMandateExecutionStatus({ orderId: "mdeF1" });
      expect(status.stale).toBe(false);
      expect(status.order).toMatchObject({ orderId: "mdeF1", status: expected, mandateId: m.mandateId });
      expect(status.execution).toMatchObject({ orderId: "mdeF1", mandateId: m.mandateId, notificationId: "" });
      expect(status.notification).toBeUndefined();
      expect(simRequests(stack, "order_status")).toBeGreaterThan(before);
    }
    // A path Juspay does not have is answered 404 (and recorded by the simulator): none was asked.
    expect(Object.keys(stack.sim.counters.snapshot().unrouted)).toEqual([]);
  });

  it("a UPI debit of another amount than ₹10/20/30/40 ends failed (terminal), announced as ORDER_FAILED", async () => {
    const res = await execute({ orderId: "mdeX1", amountMinor: 2_500n });
    expect(PENDING).toContain(res.order!.status);
    stack.sim.clock.advance(SETTLE_MS);
    const failed = await eventually(
      async () => {
        const status = await stack.mandates.getMandateExecutionStatus({ orderId: "mdeX1" });
        return PENDING.includes(status.order!.status) ? undefined : status.order;
      },
      15_000,
      "the debit to end",
    );
    expect(failed.status).toBe(OrderStatus.AUTHORIZATION_FAILED);
    const event = await streamedEvent(stack, [PaymentEventType.ORDER_FAILED], (e) => e.orderId === "mdeX1");
    expect(event.mandateId).toBe(m.mandateId);
    // Order.terminal: "For MANDATE_EXECUTION orders every failure status is terminal too."
    expect(failed.terminal).toBe(true);
    expect(event.subject.case === "order" && event.subject.value.terminal).toBe(true);
  });

  it("Juspay refuses a debit our row allowed (mandate revoked at Juspay, unannounced): OK with order FAILURE and Juspay's code, replayed as such", async () => {
    const gone = await activeMandate(stack, "mdeGone");
    await simMandateCommandUnannounced(stack, gone.mandateId, { command: "revoke" });
    const request: Debit = { orderId: "mdeJ1", mandateId: gone.mandateId, amountMinor: 1_000n };
    const res = await execute(request);
    expect(res.order).toMatchObject({ orderId: "mdeJ1", status: OrderStatus.FAILURE, errorCode: "JP_852", orderType: OrderType.MANDATE_EXECUTION });
    expect(simOrder(stack, "mdeJ1")).toBeUndefined();
    expect(await orderRow(stack, "mdeJ1")).toMatchObject({ status: "FAILURE", error_code: "JP_852" });
    const txns = simRequests(stack, "txns");
    expect((await execute(request)).order).toMatchObject({ orderId: "mdeJ1", status: OrderStatus.FAILURE, errorCode: "JP_852" });
    expect(simRequests(stack, "txns")).toBe(txns);
    // OrderStatus FAILURE: "Terminal (failure)".
    expect(res.order!.terminal).toBe(true);
  });

  it("GetMandateExecutionStatus with Juspay down answers our rows, stale", async () => {
    const res = await execute({ orderId: "mdeS1", amountMinor: 1_000n });
    stack.sim.faults.add({ route: "order_status", fault: { kind: "status", status: 503 }, times: Infinity });
    const status = await stack.mandates.getMandateExecutionStatus({ orderId: "mdeS1" });
    expect(status.stale).toBe(true);
    expect(status.staleReason).toBe(StaleReason.JUSPAY_UNAVAILABLE);
    expect(status.order).toMatchObject({ orderId: "mdeS1", status: res.order!.status, mandateId: m.mandateId });
    expect(status.execution).toMatchObject({ orderId: "mdeS1", mandateId: m.mandateId });
  });

  it("GetMandateExecutionStatus of an order that is not a debit: NOT_FOUND", async () => {
    await refusal(stack.mandates.getMandateExecutionStatus({ orderId: m.orderId }), Code.NotFound, ErrorReason.NOT_FOUND);
    await refusal(stack.mandates.getMandateExecutionStatus({ orderId: "mdeNobody" }), Code.NotFound, ErrorReason.NOT_FOUND);
  });
});

describe("ExecuteMandate refusals: no order row, no POST /txns", () => {
  let fixed: ActiveMandate;
  let other: ActiveMandate;
  let paused: ActiveMandate;
  beforeAll(async () => {
    fixed = await activeMandate(stack, "mdeFix", monthlyMandate({ amountRule: MandateAmountRule.FIXED, maxAmount: inr(2_000n) }));
    other = await activeMandate(stack, "mdeOther");
    paused = await activeMandate(stack, "mdePaused");
    expect((await stack.mandates.pauseMandate({ idempotencyKey: "pause-mdePaused", mandateId: paused.mandateId })).mandate?.status).toBe(MandateStatus.PAUSED);
    await notify(stack, other.mandateId, "pdnOther", 2_000n);
    await notify(stack, m.mandateId, "pdnAmt", 2_000n);
    await notify(stack, m.mandateId, "pdnFailed", 2_013n);
    stack.sim.clock.advance(60_000);
    await waitForNotification("pdnFailed", NotificationStatus.FAILURE);
  });

  const cases: [string, () => Debit, Code, ErrorReason, string | undefined][] = [
    ["FIXED amount other than max_amount", () => ({ orderId: "mdeR1", mandateId: fixed.mandateId, amountMinor: 1_000n }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "amount"],
    ["VARIABLE amount above max_amount", () => ({ orderId: "mdeR2", amountMinor: 500_100n }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "amount"],
    ["another currency", () => ({ orderId: "mdeR3", amount: { amountMinor: 2_000n, currency: "USD" } }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "amount.currency"],
    ["execution_time 1 h ahead", () => ({ orderId: "mdeR4", executionTime: fromNow(HOUR_MS) }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "execution_time"],
    ["a notification of another mandate", () => ({ orderId: "mdeR5", notificationId: "pdnOther" }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "notification_id"],
    ["a notification of another amount", () => ({ orderId: "mdeR6", amountMinor: 3_000n, notificationId: "pdnAmt" }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "notification_id"],
    ["a failed notification", () => ({ orderId: "mdeR7", amountMinor: 2_013n, notificationId: "pdnFailed" }), Code.FailedPrecondition, ErrorReason.MANDATE_RULE_VIOLATED, "notification_id"],
    ["an unknown notification", () => ({ orderId: "mdeR8", notificationId: "pdnNobody" }), Code.NotFound, ErrorReason.NOT_FOUND, undefined],
    ["an unknown mandate", () => ({ orderId: "mdeR9", mandateId: "mdt_unknown_1" }), Code.NotFound, ErrorReason.NOT_FOUND, undefined],
    ["a PAUSED mandate", () => ({ orderId: "mdeR10", mandateId: paused.mandateId }), Code.FailedPrecondition, ErrorReason.MANDATE_STATE_INVALID, undefined],
    // Juspay's limits (issue 17): notification ids and invoice numbers are 1-25 A-Z a-z 0-9.
    ["a notification_id with an underscore", () => ({ orderId: "mdeR11", notificationId: "pdn_1" }), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "notification_id"],
    ["a notification_id of 26 characters", () => ({ orderId: "mdeR12", notificationId: "n".repeat(26) }), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "notification_id"],
    ["a display_invoice_number with a slash", () => ({ orderId: "mdeR13", displayInvoiceNumber: "INV/2026/1" }), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "display_invoice_number"],
    ["a display_invoice_number of 26 characters", () => ({ orderId: "mdeR14", displayInvoiceNumber: "I".repeat(26) }), Code.InvalidArgument, ErrorReason.INVALID_FIELD, "display_invoice_number"],
  ];
  it.each(cases)("refuses %s", async (_name, debit, code, reason, field) => {
    const request = debit();
    const txns = simRequests(stack, "txns");
    const { detail } = await refusal(execute(request), code, reason, field);
    expect(detail.retryable).toBe(false);
    expect(await orderRow(stack, request.orderId)).toBeUndefined();
    expect(await executionRow(stack, request.orderId)).toBeUndefined();
    expect(simRequests(stack, "txns")).toBe(txns);
    expect(simOrder(stack, request.orderId)).toBeUndefined();
  });

  it("accepts the FIXED mandate's exact max_amount (the control for the refusal above)", async () => {
    const res = await execute({ orderId: "mdeFixOk", mandateId: fixed.mandateId, amountMinor: 2_000n });
    expect(PENDING).toContain(res.order!.status);
    expect(simDebits("mdeFixOk")).toBe(1);
  });

  it("refuses an order_id already used (the registration order, an earlier debit): ALREADY_EXISTS ID_ALREADY_USED", async () => {
    await execute({ orderId: "mdeUsed1", amountMinor: 1_000n });
    for (const orderId of [m.orderId, "mdeUsed1"]) {
      const txns = simRequests(stack, "txns");
      const before = await orderRow(stack, orderId);
      const owner = { order_type: before?.order_type, amount_minor: before?.amount_minor, customer_id: before?.customer_id, mandate_id: before?.mandate_id };
      await refusal(execute({ orderId, idempotencyKey: `exe-again-${orderId}`, amountMinor: 1_000n }), Code.AlreadyExists, ErrorReason.ID_ALREADY_USED, "order_id");
      expect(simRequests(stack, "txns")).toBe(txns);
      expect(await orderRow(stack, orderId)).toMatchObject(owner);
    }
    expect(await executionRow(stack, m.orderId)).toBeUndefined();
  });

  it("refuses an order_id that differs from a used one only in letter case (one order at Juspay): ALREADY_EXISTS ID_ALREADY_USED, no row, no POST /txns", async () => {
    await execute({ orderId: "mdeCase1", amountMinor: 1_000n });
    for (const orderId of [m.orderId.toUpperCase(), "MDECASE1", "mdecase1"]) {
      const txns = simRequests(stack, "txns");
      const { detail } = await refusal(execute({ orderId, idempotencyKey: `exe-case-${orderId}`, amountMinor: 1_000n }), Code.AlreadyExists, ErrorReason.ID_ALREADY_USED, "order_id");
      expect(detail.fieldViolations[0]?.description).toMatch(/differs only in letter case/);
      expect(simRequests(stack, "txns")).toBe(txns);
      expect(await orderRow(stack, orderId)).toBeUndefined();
    }
  });
});

describe("ExecuteMandate idempotency", () => {
  it("replays the same key with the same order and no second debit; the same key with other parameters is IDEMPOTENCY_KEY_REUSED", async () => {
    const request: Debit = { orderId: "mdeK1", idempotencyKey: "exe-key-k1", amountMinor: 1_000n };
    const first = await execute(request);
    const txns = simRequests(stack, "txns");
    for (let i = 0; i < 3; i++) {
      const again = await execute(request);
      expect(again.order?.orderId).toBe("mdeK1");
      expect(again.execution).toEqual(first.execution);
    }
    expect(simRequests(stack, "txns")).toBe(txns);
    expect(simDebits("mdeK1")).toBe(1);

    for (const changed of [{ orderId: "mdeK2" }, { amountMinor: 3_000n }, { displayInvoiceNumber: "INVother" }]) {
      const { detail } = await refusal(execute({ ...request, ...changed }), Code.FailedPrecondition, ErrorReason.IDEMPOTENCY_KEY_REUSED);
      expect(detail.retryable).toBe(false);
    }
    expect(await orderRow(stack, "mdeK2")).toBeUndefined();
    expect(simRequests(stack, "txns")).toBe(txns);
    expect((await orderRow(stack, "mdeK1"))?.amount_minor).toBe(1_000n);
  });
});

describe("ExecuteMandate when Juspay's answer is lost", () => {
  it("Juspay debited but the answer never came: OK with order PENDING; it settles by itself with one debit at Juspay", async () => {
    const txns = simRequests(stack, "txns");
    stack.sim.faults.add({ route: "txns", fault: { kind: "hang", afterHandler: true } });
    // The simulator's webhook for the new attempt would tell the service the status before the call ends: hold webhooks back for the call.
    const url = stack.sim.webhooks.settings().url ?? null;
    stack.sim.webhooks.configure({ url: null });
    const started = Date.now();
    const res = await execute({ orderId: "mdeL1", amountMinor: 4_000n }, 2_000).finally(() => stack.sim.webhooks.configure({ url }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.order).toMatchObject({ orderId: "mdeL1", status: OrderStatus.PENDING, orderType: OrderType.MANDATE_EXECUTION });
    expect(res.execution).toMatchObject({ orderId: "mdeL1", mandateId: m.mandateId });
    expect(stack.sim.faults.list()).toEqual([]);
    expect(simDebits("mdeL1")).toBe(1);
    // The sync job finds the order at Juspay (PENDING_VBV) and does not send it again.
    await waitForOrderRow(stack, "mdeL1", "PENDING_VBV");
    stack.sim.clock.advance(SETTLE_MS);
    await waitForOrderRow(stack, "mdeL1", "CHARGED");
    const status = await stack.mandates.getMandateExecutionStatus({ orderId: "mdeL1" });
    expect(status.order?.status).toBe(OrderStatus.CHARGED);
    expect(simDebits("mdeL1")).toBe(1);
    expect(simRequests(stack, "txns")).toBe(txns + 1);
  });

  const neverReached: [string, Fault, number, number | undefined][] = [
    ["hangs before Juspay acts", { kind: "hang" }, 1, 2_000],
    ["answers 503 until the client gives up", { kind: "status", status: 503 }, 3, undefined],
  ];
  it.each(neverReached)("a request that never reached Juspay (%s): PENDING, then the execution.sync job resends the same order id and it is debited once", async (_name, fault, times, timeoutMs) => {
    const orderId = fault.kind === "hang" ? "mdeN1" : "mdeN2";
    stack.sim.faults.add({ route: "txns", fault, times });
    const res = await execute({ orderId, amountMinor: 1_000n }, timeoutMs);
    expect(res.order).toMatchObject({ orderId, status: OrderStatus.PENDING, orderType: OrderType.MANDATE_EXECUTION, mandateId: m.mandateId });
    expect((await orderRow(stack, orderId))?.status).toBe("PENDING");
    expect(simOrder(stack, orderId)).toBeUndefined();
    const atSim = await eventually(async () => simOrder(stack, orderId), 20_000, `the resend of ${orderId}`);
    expect(atSim.executesMandateId).toBe(m.mandateId);
    expect(atSim.amountMinor).toBe(1_000);
    await waitForOrderRow(stack, orderId, "PENDING_VBV");
    stack.sim.clock.advance(SETTLE_MS);
    await waitForOrderRow(stack, orderId, "CHARGED");
    expect(simDebits(orderId)).toBe(1);
    const status = await stack.mandates.getMandateExecutionStatus({ orderId });
    expect(status.order?.status).toBe(OrderStatus.CHARGED);
    expect(status.execution).toMatchObject({ orderId, mandateId: m.mandateId });
  });
});
