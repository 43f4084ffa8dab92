import { Code, ConnectError } from "@connectrpc/connect";
import { errorReason, type PaymentsClient } from "@payments/client";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { NextAction, ProcessPayloadFlavour, SdkProcessStatus } from "@payments/proto/payments/v1/payload_service_pb";
import { PaymentEventType } from "@payments/proto/payments/v1/events_pb";
import { OrderStatus, RefundStatus, WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { openEventConsumer, waitForWebhook } from "./journey-events.js";
import { runMandateJourney, type MandateJourneyResult } from "./mandate-journey.js";

// The payment journey end to end, against a running service and the Juspay
// simulator: a StreamPaymentEvents consumer opens -> initiate payload ->
// process payload -> the simulator plays the SDK and pays -> VerifySdkResult
// -> Juspay's ORDER_SUCCEEDED webhook stored and processed -> WatchOrder sees
// CHARGED -> partial refund -> the sync job brings it to SUCCESS -> a refund
// over the remaining amount is refused -> the stream has emitted the order's
// events -> then the mandate journey (tools/dev/mandate-journey.ts: register,
// notify, debit, pause, resume, revoke). `npm run demo` prints it; the
// journey test runs it. Every step checks its answer and throws JourneyError
// naming the step. The simulator must deliver webhooks to a bridge in front
// of this service (`npm start` does it; the test stack with `webhooks: true`).

export class JourneyError extends Error {
  constructor(step: string, message: string) {
    super(`${step}: ${message}`);
    this.name = "JourneyError";
  }
}

export interface JourneyOptions {
  payments: PaymentsClient;
  /** The simulator's base URL (its /sdk/process plays the mobile SDK; its admin API moves its clock). */
  simUrl: string;
  orderId?: string;
  customerId?: string;
  /** Prints one line per step. */
  say?: (line: string) => void;
  /** How long to wait for the refund sync job (default 90 s). */
  refundSyncTimeoutMs?: number;
  /** How long to wait for the ORDER_SUCCEEDED webhook to be stored and processed, and for stream events (default 30 s). */
  webhookTimeoutMs?: number;
}

export interface JourneyResult {
  orderId: string;
  refundId: string;
  /** The payment journey's steps; the mandate journey's (numbered on from these) are in `mandate.steps`. */
  steps: string[];
  mandate: MandateJourneyResult;
}

const INR = (amountMinor: bigint) => ({ amountMinor, currency: "INR" });
const rupees = (minor: bigint) => `₹${minor / 100n}.${String(minor % 100n).padStart(2, "0")}`;

export async function runPaymentJourney(options: JourneyOptions): Promise<JourneyResult> {
  const { payments, simUrl } = options;
  const orderId = options.orderId ?? `demo${Date.now().toString(36)}`;
  const customerId = options.customerId ?? "cust_demo";
  const steps: string[] = [];
  const say = (line: string) => {
    steps.push(`${steps.length + 1}. ${line}`);
    options.say?.(steps.at(-1)!);
  };
  const check = (step: string, ok: boolean, message: string) => {
    if (!ok) throw new JourneyError(step, message);
  };

  const webhookTimeoutMs = options.webhookTimeoutMs ?? 30_000;
  // Opened before anything happens to the order, so the stream sees every event of it.
  const consumer = openEventConsumer(payments);
  try {
    say(`StreamPaymentEvents opened (from now) in the background`);
    return await walk();
  } finally {
    consumer.close();
  }

  async function walk(): Promise<JourneyResult> {
    const initiate = await payments.payload.createInitiatePayload({ customerId });
    check("initiate", initiate.payloadJson.includes('"initiate"'), "the initiate payload has no initiate action");
    say(`CreateInitiatePayload: requestId ${initiate.requestId}, merchant ${initiate.merchantId}, ${initiate.signature ? `signed with key ${initiate.merchantKeyId}` : "unsigned"}`);

    const amount = 10_000n;
    const processed = await payments.payload.createProcessPayload({
      idempotencyKey: `${orderId}-process`,
      orderId,
      amount: INR(amount),
      customerId,
      description: "Demo order",
      flavour: ProcessPayloadFlavour.SIGNATURE,
    });
    const signed = processed.flavourDetails.case === "signed" ? processed.flavourDetails.value : undefined;
    check("process", signed !== undefined && signed.signature !== "", "no signed orderDetails in the process payload");
    say(`CreateProcessPayload: order ${orderId} for ${rupees(amount)} written, orderDetails signed (key ${signed?.merchantKeyId}, signature ${signed?.signature.slice(0, 16)}…)`);

    const sdk = await fetch(`${simUrl}/sdk/process`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ process_payload: processed.payloadJson, payment_method_type: "UPI", vpa: "success@upi" }),
    });
    const result = (await sdk.json()) as { payload?: { status?: string }; errorMessage?: string };
    check("sdk", sdk.ok && result.payload?.status === "charged", `the simulated SDK answered ${sdk.status} ${result.payload?.status ?? ""} ${result.errorMessage ?? ""}`);
    say(`The simulator plays the SDK: signature verified, customer pays by UPI, process_result status "${result.payload?.status}"`);

    const verified = await payments.payload.verifySdkResult({ orderId, reportedStatus: SdkProcessStatus.CHARGED, reportedStatusRaw: "charged" });
    check("verify", verified.order?.status === OrderStatus.CHARGED && verified.nextAction === NextAction.SHOW_SUCCESS, `truth ${OrderStatus[verified.order?.status ?? 0]}, next action ${NextAction[verified.nextAction]}`);
    check("verify", verified.amountVerified, "amount not verified against our row");
    say(`VerifySdkResult: Juspay's order status says CHARGED, amount verified, next action SHOW_SUCCESS`);

    const webhook = await waitForWebhook(payments, orderId, "ORDER_SUCCEEDED", webhookTimeoutMs);
    check(
      "webhook",
      webhook.processed !== undefined,
      webhook.last === undefined
        ? `no ORDER_SUCCEEDED webhook for ${orderId} was stored within ${webhookTimeoutMs / 1000} s: the Juspay simulator must deliver webhooks (--webhook-url) to a webhook bridge (services/webhook-bridge) forwarding to this service; \`npm start\` runs both`
        : `the ORDER_SUCCEEDED webhook ${webhook.last.eventId} is ${WebhookEventState[webhook.last.state]} (${webhook.last.lastError || "no error"}), not PROCESSED`,
    );
    const stored = webhook.processed!;
    say(`Juspay's ORDER_SUCCEEDED webhook arrived through the bridge: stored as ${stored.eventId} (${stored.dedupKey}), PROCESSED after re-reading Juspay's order status`);

    let watched: OrderStatus | undefined;
    for await (const update of payments.order.watchOrder({ orderId }, { timeoutMs: 10_000 })) watched = update.order?.status;
    check("watch", watched === OrderStatus.CHARGED, `WatchOrder ended at ${OrderStatus[watched ?? 0]}`);
    say(`WatchOrder: CHARGED (terminal), stream ended`);

    const refundAmount = 4_000n;
    const refunded = await payments.order.refundOrder({ idempotencyKey: `${orderId}-refund-1`, orderId, amount: INR(refundAmount), reason: "demo partial refund" });
    const refund = refunded.refund;
    check("refund", refund !== undefined && refund.status === RefundStatus.PENDING, `refund answered ${RefundStatus[refund?.status ?? 0]}`);
    say(`RefundOrder ${rupees(refundAmount)}: ${refund!.refundId} PENDING, unique_request_id ${refund!.uniqueRequestId}`);

    // Juspay settles refunds in 5 minutes: move the simulator's clock, then let our sync job notice. No more
    // than that: signed payloads are refused once the clock runs 15 minutes ahead (see mandate-journey.ts).
    await fetch(`${simUrl}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: 5 * 60_000 + 1_000 }) });
    const until = Date.now() + (options.refundSyncTimeoutMs ?? 90_000);
    let status = RefundStatus.PENDING;
    while (status === RefundStatus.PENDING && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      // ListRefunds reads only our database: SUCCESS here is the work of Juspay's refund webhook or our sync job, whichever came first.
      const list = await payments.order.listRefunds({ orderId });
      status = list.refunds.find((r) => r.refundId === refund!.refundId)?.status ?? status;
    }
    check("refund sync", status === RefundStatus.SUCCESS, `refund is ${RefundStatus[status]} after the wait`);
    say(`Refund settled: Juspay's refund webhook or our sync job (whichever came first) brought our row to SUCCESS`);

    const over = await payments.order
      .refundOrder({ idempotencyKey: `${orderId}-refund-2`, orderId, amount: INR(amount - refundAmount + 1n) })
      .then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
    check("over-refund", over?.code === Code.FailedPrecondition && errorReason(over) === ErrorReason.REFUND_EXCEEDS_REFUNDABLE, `answered ${over ? Code[over.code] : "OK"}`);
    say(`RefundOrder ${rupees(amount - refundAmount + 1n)} (more than the ${rupees(amount - refundAmount)} left): FAILED_PRECONDITION REFUND_EXCEEDS_REFUNDABLE, nothing sent to Juspay`);

    let lastCursor = 0n;
    for (const type of [PaymentEventType.ORDER_CHARGED, PaymentEventType.REFUND_CREATED, PaymentEventType.REFUND_SUCCEEDED]) {
      const event = await consumer.waitFor(type, orderId, webhookTimeoutMs).catch((err: unknown) => {
        throw new JourneyError("stream", err instanceof Error ? err.message : String(err));
      });
      const subject = event.subject.case === "refund" ? `refund ${event.subject.value.refundId}` : `order ${event.orderId}`;
      say(`StreamPaymentEvents: ${PaymentEventType[type]} for ${subject}, cursor ${event.cursor}${event.webhookEventId ? ` (from webhook ${event.webhookEventId})` : ""}`);
      if (event.cursor > lastCursor) lastCursor = event.cursor;
    }

    const mandate = await runMandateJourney({ payments, simUrl, orderId: `${orderId}m`, customerId, say: options.say, firstStep: steps.length + 1, timeoutMs: webhookTimeoutMs, afterCursor: lastCursor });
    return { orderId, refundId: refund!.refundId, steps, mandate };
  }
}
