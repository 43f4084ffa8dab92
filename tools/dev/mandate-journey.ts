import type { PaymentsClient } from "@payments/client";
import { PaymentEventType, type PaymentEvent } from "@payments/proto/payments/v1/events_pb";
import { MandateAmountRule, MandateCommandResult, MandateFrequency, MandateRequirement, MandateRuleType } from "@payments/proto/payments/v1/mandate_pb";
import { ProcessPayloadFlavour } from "@payments/proto/payments/v1/payload_service_pb";
import { MandateStatus, NotificationStatus, OrderStatus, WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { waitForWebhook } from "./journey-events.js";
import { JourneyError } from "./journey.js";

// The mandate journey (UPI Autopay), after the payment journey in
// `npm run demo` and in the journey test, against a running service and the
// Juspay simulator: a StreamPaymentEvents consumer opens -> a process payload
// with mandate options (the service creates the customer at Juspay first, or
// finds it) registers the mandate when the simulated SDK pays the
// ₹1 registration by UPI -> GetMandateOrderStatus sees it ACTIVE -> a
// pre-debit notification for ₹20 and the ₹20 debit linked to it -> the
// simulator's clock moves 2 minutes -> the notification is SUCCESS and the
// debit CHARGED -> pause, resume, revoke -> ListMandates shows it REVOKED ->
// Juspay's MANDATE_REVOKED webhook is PROCESSED -> the stream has emitted the
// mandate's events. Every step checks its answer and throws JourneyError.
//
// The simulator's clock: `npm start` runs it in real time and the tests freeze
// it, so the journey moves it through the admin API (POST /__admin/clock/advance),
// as the payment journey does for its refund. The clock only moves forward and
// the simulator refuses signed payloads more than 15 simulated minutes old, so
// every minute counts: the debit is requested right after its notification (as
// a merchant does; Juspay debits only after the notification was delivered) and
// one 2-minute jump settles both, and the registration uses the Session API
// flavour (its client auth token lives on the simulator's clock, whatever
// earlier runs did to it).

export interface MandateJourneyOptions {
  payments: PaymentsClient;
  /** The simulator's base URL (its /sdk/process plays the mobile SDK; its admin API moves its clock). */
  simUrl: string;
  /** The registration order id (the notification and debit ids derive from it); at most 19 characters. */
  orderId?: string;
  customerId?: string;
  /** Prints one line per step. */
  say?: (line: string) => void;
  /** Number of the first step (to continue another journey's numbering; default 1). */
  firstStep?: number;
  /** How long to wait for settlements, the webhook and stream events (default 30 s). */
  timeoutMs?: number;
  /** Stream events after this cursor (one the caller has seen, so none of the journey's is missed); default: from now. */
  afterCursor?: bigint;
}

export interface MandateJourneyResult {
  orderId: string;
  mandateId: string;
  notificationId: string;
  debitOrderId: string;
  steps: string[];
}

const INR = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });
const rupees = (minor: bigint) => `₹${minor / 100n}.${String(minor % 100n).padStart(2, "0")}`;
/** A protobuf Timestamp's date (UTC), without a dependency on the protobuf runtime. */
const day = (t: { seconds: bigint } | undefined) => (t === undefined ? "open" : new Date(Number(t.seconds) * 1000).toISOString().slice(0, 10));
/** The demo customer's mobile number (Create Customer requires one). */
const DEMO_PHONE = "9876543210";

/** Create Customer and Get Customer calls the simulator has seen (its admin counters). */
async function simCustomerCalls(simUrl: string): Promise<{ create: number; get: number }> {
  const counters = (await (await fetch(`${simUrl}/__admin/counters`)).json()) as { requests?: Record<string, number> };
  return { create: counters.requests?.["create_customer"] ?? 0, get: counters.requests?.["get_customer"] ?? 0 };
}

/** Whether the simulator holds a customer with this object_reference_id (its admin state). */
async function simHoldsCustomer(simUrl: string, reference: string): Promise<boolean> {
  const state = (await (await fetch(`${simUrl}/__admin/state`)).json()) as { customers?: Record<string, { objectReferenceId?: string }> };
  return Object.values(state.customers ?? {}).some((c) => c.objectReferenceId === reference);
}

/** Juspay's simulator settles a debit 2 simulated minutes after it is requested, a notification after 60 s. */
const SETTLE_MS = 2 * 60_000 + 1_000;

export async function runMandateJourney(options: MandateJourneyOptions): Promise<MandateJourneyResult> {
  const { payments, simUrl } = options;
  const orderId = options.orderId ?? `mdemo${Date.now().toString(36)}`;
  const customerId = options.customerId ?? "cust_demo";
  const notificationId = `${orderId}n`;
  const debitOrderId = `${orderId}d`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const first = options.firstStep ?? 1;
  const steps: string[] = [];
  const say = (line: string) => {
    steps.push(`${first + steps.length}. ${line}`);
    options.say?.(steps.at(-1)!);
  };
  const check = (step: string, ok: boolean, message: string) => {
    if (!ok) throw new JourneyError(step, message);
  };
  /** Polls `read` until it returns a value (or fails `step` after timeoutMs with what `last` says). */
  const until = async <T>(step: string, read: () => Promise<T | undefined>, last: () => string): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > end) throw new JourneyError(step, `${last()} after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const events = openMandateEvents(payments, options.afterCursor);
  try {
    say(`Mandate journey: StreamPaymentEvents opened (${options.afterCursor === undefined ? "from now" : `after cursor ${options.afterCursor}`}) for the mandate's events`);
    return await walk();
  } finally {
    events.close();
  }

  async function walk(): Promise<MandateJourneyResult> {
    const maxAmount = 100_000n;
    const customerCallsBefore = await simCustomerCalls(simUrl);
    const processed = await payments.payload.createProcessPayload({
      idempotencyKey: `${orderId}-register`,
      orderId,
      amount: INR(100n),
      customerId,
      // A customer's first mandate creates the customer at Juspay, and Create Customer needs a mobile number.
      customerPhone: DEMO_PHONE,
      description: "Demo subscription",
      flavour: ProcessPayloadFlavour.SESSION,
      mandate: {
        createMandate: MandateRequirement.REQUIRED,
        maxAmount: INR(maxAmount),
        amountRule: MandateAmountRule.VARIABLE,
        frequency: MandateFrequency.MONTHLY,
        ruleType: MandateRuleType.ON,
        ruleValue: 5,
      },
    });
    check("register", processed.flavour === ProcessPayloadFlavour.SESSION, `payload flavour ${ProcessPayloadFlavour[processed.flavour]}`);
    say(`CreateProcessPayload with mandate options: registration order ${orderId} for ${rupees(100n)}, mandate up to ${rupees(maxAmount)} MONTHLY on the 5th (VARIABLE), Session API payload`);
    const customerCalls = await simCustomerCalls(simUrl);
    const created = customerCalls.create - customerCallsBefore.create;
    const readBack = customerCalls.get - customerCallsBefore.get;
    check("juspay customer", (await simHoldsCustomer(simUrl, customerId)) && created <= 1, `the simulator ${created > 1 ? `got ${created} Create Customer calls` : `holds no customer ${customerId}`}`);
    say(
      created === 0
        ? `Juspay customer ${customerId}: already registered by an earlier run, no call`
        : readBack > 0
          ? `Juspay customer ${customerId}: Create Customer answered "already exists", read back with Get Customer`
          : `Juspay customer ${customerId}: created before its first mandate (Create Customer, object_reference_id ${customerId})`,
    );

    const sdk = await fetch(`${simUrl}/sdk/process`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ process_payload: processed.payloadJson, payment_method_type: "UPI", vpa: "success@upi" }),
    });
    const result = (await sdk.json()) as { payload?: { status?: string }; errorMessage?: string };
    check("register sdk", sdk.ok && result.payload?.status === "charged", `the simulated SDK answered ${sdk.status} ${result.payload?.status ?? ""} ${result.errorMessage ?? ""}`);
    say(`The simulator plays the SDK: the customer approves the UPI Autopay mandate and pays ${rupees(100n)}, process_result "${result.payload?.status}"`);

    const registered = await payments.mandate.getMandateOrderStatus({ orderId });
    const mandate = registered.mandate;
    check("mandate order status", registered.order?.status === OrderStatus.CHARGED && mandate?.status === MandateStatus.ACTIVE, `order ${OrderStatus[registered.order?.status ?? 0]}, mandate ${mandate ? MandateStatus[mandate.status] : "absent"}`);
    const mandateId = mandate!.mandateId;
    say(`GetMandateOrderStatus: order CHARGED, mandate ${mandateId} ACTIVE (${mandate!.mandateType || "mandate"}, ${day(mandate!.startTime)} to ${day(mandate!.endTime)})`);

    const debit = 2_000n;
    const debitSeconds = Math.floor((Date.now() + 25 * 3_600_000) / 1000);
    const debitTime = { seconds: BigInt(debitSeconds), nanos: 0 };
    const sent = await payments.mandate.sendPreDebitNotification({ idempotencyKey: `${orderId}-notify`, mandateId, notificationId, amount: INR(debit), debitTime, description: "Demo subscription renewal" });
    const notification = sent.notification;
    check("notify", notification !== undefined && [NotificationStatus.PENDING, NotificationStatus.CREATED].includes(notification.status), `notification ${NotificationStatus[notification?.status ?? 0]}`);
    say(`SendPreDebitNotification ${rupees(debit)} for ${new Date(debitSeconds * 1000).toISOString()}: ${notificationId} ${NotificationStatus[notification!.status]} (Juspay id ${notification!.juspayNotificationId})`);

    const executed = await payments.mandate.executeMandate({ idempotencyKey: `${orderId}-debit`, mandateId, orderId: debitOrderId, amount: INR(debit), notificationId });
    check("execute", executed.order !== undefined && executed.execution?.notificationId === notificationId, `answered order ${OrderStatus[executed.order?.status ?? 0]}, notification ${executed.execution?.notificationId ?? "none"}`);
    say(`ExecuteMandate ${rupees(debit)} linked to ${notificationId}: debit order ${debitOrderId} ${OrderStatus[executed.order!.status]} (Juspay debits once the notification is delivered)`);

    // Juspay takes 60 s to deliver the notification and the simulator 2 minutes to settle the debit.
    await fetch(`${simUrl}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: SETTLE_MS }) });
    let notified = notification!.status;
    await until(
      "notification",
      async () => {
        notified = (await payments.mandate.getPreDebitNotification({ notificationId })).notification?.status ?? notified;
        return notified === NotificationStatus.SUCCESS ? true : undefined;
      },
      () => `notification is ${NotificationStatus[notified]}`,
    );
    say(`Simulator clock +2 min: GetPreDebitNotification reads Juspay, ${notificationId} SUCCESS (delivered to the payer)`);

    let debitStatus = executed.order!.status;
    const status = await until(
      "debit",
      async () => {
        const res = await payments.mandate.getMandateExecutionStatus({ orderId: debitOrderId });
        debitStatus = res.order?.status ?? debitStatus;
        return debitStatus === OrderStatus.CHARGED ? res : undefined;
      },
      () => `debit order is ${OrderStatus[debitStatus]}`,
    );
    check("debit", status.execution?.mandateId === mandateId && status.notification?.status === NotificationStatus.SUCCESS, "the execution does not show its mandate and delivered notification");
    let watched: OrderStatus | undefined;
    for await (const update of payments.order.watchOrder({ orderId: debitOrderId }, { timeoutMs: 10_000 })) watched = update.order?.status;
    check("debit watch", watched === OrderStatus.CHARGED, `WatchOrder ended at ${OrderStatus[watched ?? 0]}`);
    say(`GetMandateExecutionStatus: debit ${debitOrderId} CHARGED ${rupees(debit)} under ${mandateId}; WatchOrder: CHARGED (terminal)`);

    const paused = await payments.mandate.pauseMandate({ idempotencyKey: `${orderId}-pause`, mandateId });
    check("pause", paused.result === MandateCommandResult.APPLIED && paused.mandate?.status === MandateStatus.PAUSED, `${MandateCommandResult[paused.result]}, mandate ${MandateStatus[paused.mandate?.status ?? 0]}`);
    say(`PauseMandate: APPLIED, PAUSED from ${day(paused.mandate!.pauseStartTime)} to ${day(paused.mandate!.pauseEndTime)}`);

    const resumed = await payments.mandate.resumeMandate({ idempotencyKey: `${orderId}-resume`, mandateId });
    check("resume", resumed.result === MandateCommandResult.APPLIED && resumed.mandate?.status === MandateStatus.ACTIVE, `${MandateCommandResult[resumed.result]}, mandate ${MandateStatus[resumed.mandate?.status ?? 0]}`);
    say(`ResumeMandate: APPLIED, ACTIVE again`);

    const revoked = await payments.mandate.revokeMandate({ idempotencyKey: `${orderId}-revoke`, mandateId, reason: "demo: subscription cancelled" });
    check("revoke", revoked.result === MandateCommandResult.APPLIED && revoked.mandate?.status === MandateStatus.REVOKED, `${MandateCommandResult[revoked.result]}, mandate ${MandateStatus[revoked.mandate?.status ?? 0]}`);
    say(`RevokeMandate: APPLIED, REVOKED (confirmed by Juspay)`);

    const listed = await payments.mandate.listMandates({ customerId });
    const ours = listed.mandates.find((m) => m.mandateId === mandateId);
    check("list", ours?.status === MandateStatus.REVOKED && !listed.stale, ours ? `ListMandates shows it ${MandateStatus[ours.status]}${listed.stale ? " (stale)" : ""}` : "ListMandates does not show it");
    say(`ListMandates for ${customerId}: ${listed.mandates.length} mandate(s), newest first; ${mandateId} REVOKED`);

    const webhook = await waitForWebhook(payments, orderId, "MANDATE_REVOKED", timeoutMs);
    check(
      "mandate webhook",
      webhook.processed !== undefined,
      webhook.last === undefined ? `no MANDATE_REVOKED webhook for ${orderId} was stored: the simulator must deliver webhooks to the bridge` : `the MANDATE_REVOKED webhook is ${WebhookEventState[webhook.last.state]} (${webhook.last.lastError || "no error"})`,
    );
    say(`Juspay's MANDATE_REVOKED webhook arrived through the bridge: ${webhook.processed!.eventId} PROCESSED after re-reading the mandate (check_status)`);

    const expected: [PaymentEventType, (e: PaymentEvent) => boolean][] = [
      [PaymentEventType.MANDATE_ACTIVATED, (e) => e.mandateId === mandateId],
      [PaymentEventType.NOTIFICATION_SUCCEEDED, (e) => e.subject.case === "notification" && e.subject.value.notificationId === notificationId],
      [PaymentEventType.ORDER_CHARGED, (e) => e.orderId === debitOrderId && e.mandateId === mandateId],
      [PaymentEventType.MANDATE_PAUSED, (e) => e.mandateId === mandateId],
      [PaymentEventType.MANDATE_RESUMED, (e) => e.mandateId === mandateId],
      [PaymentEventType.MANDATE_REVOKED, (e) => e.mandateId === mandateId],
    ];
    for (const [type, matches] of expected) {
      const event = await events.waitFor(type, matches, timeoutMs).catch((err: unknown) => {
        throw new JourneyError("stream", err instanceof Error ? err.message : String(err));
      });
      const subject = event.subject.case === "notification" ? `notification ${event.subject.value.notificationId}` : event.subject.case === "order" ? `debit order ${event.orderId}` : `mandate ${event.mandateId}`;
      say(`StreamPaymentEvents: ${PaymentEventType[type]} for ${subject}, cursor ${event.cursor}${event.webhookEventId ? ` (from webhook ${event.webhookEventId})` : ""}`);
    }
    return { orderId, mandateId, notificationId, debitOrderId, steps };
  }
}

interface MandateEvents {
  /** Resolves with the first event of `type` that `matches`; rejects after timeoutMs (or if the stream ended). */
  waitFor(type: PaymentEventType, matches: (e: PaymentEvent) => boolean, timeoutMs: number): Promise<PaymentEvent>;
  close(): void;
}

/** StreamPaymentEvents (after `afterCursor`, else from now), collected until close(); notification events carry no order id, so events are matched by predicate. */
function openMandateEvents(payments: PaymentsClient, afterCursor: bigint | undefined): MandateEvents {
  const abort = new AbortController();
  const seen: PaymentEvent[] = [];
  let ended: Error | undefined;
  void (async () => {
    try {
      const start = afterCursor === undefined ? ({ case: "fromNow", value: true } as const) : ({ case: "afterCursor", value: afterCursor } as const);
      for await (const msg of payments.webhook.streamPaymentEvents({ start }, { signal: abort.signal, timeoutMs: 10 * 60_000 })) {
        if (msg.message.case === "event") seen.push(msg.message.value);
      }
      ended = new Error("the stream ended");
    } catch (err) {
      ended = abort.signal.aborted ? new Error("closed") : err instanceof Error ? err : new Error(String(err));
    }
  })();
  return {
    async waitFor(type, matches, timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find((e) => e.type === type && matches(e));
        if (found !== undefined) return found;
        if (ended !== undefined) throw new Error(`StreamPaymentEvents failed before ${PaymentEventType[type]} arrived: ${ended.message}`);
        if (Date.now() > end) throw new Error(`no ${PaymentEventType[type]} on StreamPaymentEvents within ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() {
      abort.abort();
    },
  };
}
