import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNMATCHED_UNKNOWN_MANDATE } from "../src/app/webhooks/process-mandate-events.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { eventRow, ingest, waitForFinal } from "./helpers/webhooks.js";

// Issue 15, findings 15 and 11, over the service's socket: the receive time of
// a webhook is the service's own, whatever the caller sends; and an id Juspay
// has just said it does not know is not looked up again for every forged
// event that repeats it.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

let n = 0;
function mandateEvent(mandateId: string): Buffer {
  n++;
  return Buffer.from(JSON.stringify({ id: `evt_V2_edge_${process.pid}_${n}`, event_name: "MANDATE_ACTIVATED", date_created: new Date().toISOString(), content: { mandate: { mandate_id: mandateId, status: "ACTIVE" } } }));
}

const mandateLookUps = (): number => stack.sim.counters.snapshot().requests["mandate_command"] ?? 0;

describe("receive time (finding 15)", () => {
  it("is stamped by the service: a receive_time in the past or the future from the caller is ignored", async () => {
    for (const claimed of [new Date("2001-01-01T00:00:00Z"), new Date("2099-01-01T00:00:00Z")]) {
      const before = Date.now();
      const answer = await stack.webhooks.ingestJuspayWebhook({
        method: "POST",
        path: "/webhooks/juspay",
        body: mandateEvent(`mdt_edge_time_${n}`),
        headers: [{ name: "content-type", value: "application/json" }],
        receiveTime: timestampFromDate(claimed),
      });
      const row = await eventRow(stack, answer.eventId);
      // The database's clock: within a minute of ours, nowhere near the claimed time.
      expect(Math.abs(row!.receive_time.getTime() - before)).toBeLessThan(60_000);
    }
  });
});

describe("ids Juspay does not know (finding 11)", () => {
  it("a repeated unknown mandate id is looked up at Juspay once, a new one once more", async () => {
    const first = await ingest(stack, mandateEvent("mdt_forged_repeat"));
    expect((await waitForFinal(stack, first.eventId)).last_error).toBe(UNMATCHED_UNKNOWN_MANDATE);
    const afterFirst = mandateLookUps();
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      const again = await ingest(stack, mandateEvent("mdt_forged_repeat"));
      const row = await waitForFinal(stack, again.eventId);
      expect(row.state).toBe("UNMATCHED");
      expect(row.last_error).toBe(UNMATCHED_UNKNOWN_MANDATE);
    }
    expect(mandateLookUps()).toBe(afterFirst);
    const other = await ingest(stack, mandateEvent("mdt_forged_other"));
    expect((await waitForFinal(stack, other.eventId)).last_error).toBe(UNMATCHED_UNKNOWN_MANDATE);
    expect(mandateLookUps()).toBe(afterFirst + 1);
  });
});
