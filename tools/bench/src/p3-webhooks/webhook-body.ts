import { readFileSync } from "node:fs";

// Webhook bodies for P3: Juspay's ORDER_SUCCEEDED sample (fixtures/juspay),
// compact as Juspay sends it, with a new event id per request (the service
// dedups on `evt:<id>`, so each request is a new event) and the order id of
// one of the benchmark's orders. The template is split once; a body is then
// a few string concatenations, cheap enough not to slow the load process.

export const FIXTURE = new URL("../../../../fixtures/juspay/webhooks/order_succeeded.json", import.meta.url);

const ID = "@@P3_EVENT_ID@@";
const ORDER = "@@P3_ORDER_ID@@";

export interface WebhookBodies {
  /** The JSON body of event `eventId` about `orderId`. */
  body(eventId: string, orderId: string): string;
}

interface FixtureShape {
  id: string;
  content: { order: { order_id: string; txn_detail?: { order_id?: string } } };
}

export function webhookBodies(fixtureJson = readFileSync(FIXTURE, "utf8")): WebhookBodies {
  const sample = JSON.parse(fixtureJson) as FixtureShape;
  sample.id = ID;
  sample.content.order.order_id = ORDER;
  if (sample.content.order.txn_detail?.order_id !== undefined) sample.content.order.txn_detail.order_id = ORDER;
  const pieces = JSON.stringify(sample).split(/(@@P3_EVENT_ID@@|@@P3_ORDER_ID@@)/);
  if (!pieces.includes(ID) || !pieces.includes(ORDER)) throw new Error("the webhook fixture has no id or order id to replace");
  return {
    body(eventId, orderId) {
      let out = "";
      for (const piece of pieces) out += piece === ID ? eventId : piece === ORDER ? orderId : piece;
      return out;
    },
  };
}

/** The event ids of one phase start with this. */
export function eventIdPrefix(phaseTag: string): string {
  return `evt_V2_p3${phaseTag}_`;
}

/** Juspay-like event ids (`evt_V2_` + a tail), unique per phase and sequence number. */
export function benchEventId(phaseTag: string, seq: number): string {
  return `${eventIdPrefix(phaseTag)}${seq.toString(16).padStart(8, "0")}`;
}
