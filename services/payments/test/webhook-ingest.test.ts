import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DEAD_LETTERS, recordDeadLetter } from "../src/app/webhooks/dead-letters.js";
import { createSimOrder, insertOrderRow } from "./helpers/orders.js";
import { startStack, type Stack } from "./helpers/stack.js";
import { eventRow, ingest, orderWebhookBody, STATE, waitForFinal, webhookFixtures } from "./helpers/webhooks.js";

// IngestJuspayWebhook over a real socket: every Juspay sample body, malformed
// bodies as bounded dead letters (criterion 27), duplicates (criterion 28).

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const db = () => stack.database.database.db;

describe("Juspay's sample webhooks (fixtures/juspay/webhooks)", () => {
  it("every fixture ingests and its processing ends in the right final state", async () => {
    // The samples whose order ids are valid ids of ours get an order row (and
    // the same order at the simulator) so they process; the others
    // (sample_ord_200: underscores; a 24-digit id) can never be our orders.
    for (const [orderId, amountMinor] of [["sampleorder507", 100_000n], ["sampleorder608", 8_600n], ["ctkt174582939", 155_100n]] as const) {
      await insertOrderRow(stack, { orderId, amountMinor });
      await createSimOrder(stack, { orderId, amountMinor });
    }
    const ours = new Set(["sampleorder507", "sampleorder608", "ctkt174582939"]);
    const seenIds = new Map<string, string>();
    const toProcess: { name: string; eventId: string; expected: string }[] = [];

    for (const { name, body } of webhookFixtures()) {
      const res = await ingest(stack, body);
      let parsed: { id?: string; event_name?: string; content?: { order?: { order_id?: string }; txn?: { order_id?: string } } };
      try {
        parsed = JSON.parse(body.toString("utf8")) as typeof parsed;
      } catch {
        // response_structure.json and sample_response_structure.json are documentation with /* comments */.
        expect(res.state, name).toBe(STATE.MALFORMED);
        expect(res.eventId).toBe("");
        continue;
      }
      expect(res.state, name).not.toBe(STATE.MALFORMED);
      const orderId = parsed.content?.order?.order_id ?? parsed.content?.txn?.order_id;
      // The samples' mandates and notifications are neither the simulator's nor ours: kept UNMATCHED, with why.
      const expected = /^(MANDATE|NOTIFICATION)_/.test(parsed.event_name ?? "") ? "UNMATCHED" : orderId !== undefined && ours.has(orderId) ? "PROCESSED" : "UNMATCHED";
      // Juspay's samples reuse event ids across files: the id is the dedup key, so a second file with it is a duplicate.
      const first = seenIds.get(parsed.id ?? "");
      if (first !== undefined) {
        expect(res.duplicate, name).toBe(true);
        expect(res.eventId).toBe(first);
        // Processed as its own event with a fresh id.
        const fresh = await ingest(stack, Buffer.from(JSON.stringify({ ...parsed, id: `${parsed.id}_${name.replace(/\W/g, "")}` })));
        expect(fresh.duplicate).toBe(false);
        toProcess.push({ name, eventId: fresh.eventId, expected });
        continue;
      }
      expect(res.duplicate, name).toBe(false);
      expect(res.eventName).toBe(parsed.event_name);
      expect(res.dedupKey).toBe(`evt:${parsed.id}`);
      expect(res.juspayEventId).toBe(parsed.id);
      seenIds.set(parsed.id ?? "", res.eventId);
      toProcess.push({ name, eventId: res.eventId, expected });
    }
    expect(toProcess.length).toBe(20);
    for (const { name, eventId, expected } of toProcess) {
      const row = await waitForFinal(stack, eventId);
      expect(row.state, name).toBe(expected);
      expect(row.attempt_count, name).toBe(1);
      expect(row.process_time, name).not.toBeNull();
      if (name.startsWith("mandate_")) expect(row.last_error, name).toBe("Juspay does not know this mandate");
      if (name.startsWith("notification_")) expect(row.last_error, name).toBe("no pre-debit notification of ours with this id");
    }
    // Mandate events keep their mandate id (ListWebhookEvents filters on it).
    const mandate = await db().selectFrom("webhook_events").selectAll().where("event_name", "=", "MANDATE_ACTIVATED").executeTakeFirstOrThrow();
    expect(mandate.mandate_id).not.toBeNull();
    // Bodies are never logged.
    expect(JSON.stringify(stack.logs)).not.toContain("FILTERED");
  });
});

describe("malformed bodies (criterion 27)", () => {
  it("answers MALFORMED, keeps the body once per hash with a count and a reason, stores no event", async () => {
    const events = await db().selectFrom("webhook_events").select(db().fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    for (const [body, reason] of [["{not json", "not_json"], ["[1,2]", "not_object"], ['{"id":"evt_x","content":{}}', "missing_event_name"]] as const) {
      const hash = createHash("sha256").update(body).digest("hex");
      for (let i = 1; i <= 3; i++) {
        const res = await ingest(stack, Buffer.from(body));
        expect(res.state).toBe(STATE.MALFORMED);
        expect(res.dedupKey).toBe(`sha256:${hash}`);
        expect(res.duplicate).toBe(i > 1);
      }
      const letter = await db().selectFrom("webhook_dead_letters").selectAll().where("body_hash", "=", hash).executeTakeFirstOrThrow();
      expect(letter.count).toBe(3);
      expect(letter.reason).toMatch(new RegExp(`^${reason}:`));
      expect(Buffer.from(letter.body).toString()).toBe(body);
    }
    const after = await db().selectFrom("webhook_events").select(db().fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(events.n);
  });

  it("keeps the dead-letter table bounded: the least recently seen rows go", async () => {
    const cap = 5;
    const hashes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const body = Buffer.from(`garbage ${i}`);
      const hash = createHash("sha256").update(body).digest("hex");
      hashes.push(hash);
      await recordDeadLetter(db(), { bodyHash: hash, body, reason: "not_json: test" }, cap);
    }
    const left = await db().selectFrom("webhook_dead_letters").select("body_hash").execute();
    expect(left.length).toBe(cap);
    expect(left.map((r) => r.body_hash)).toContain(hashes[7]);
    expect(MAX_DEAD_LETTERS).toBeGreaterThanOrEqual(100);
  });
});

describe("duplicate delivery (criterion 28)", () => {
  it("the same event 10× sequentially and 10× in parallel: one row, delivery_count 20, one processing, all OK", async () => {
    await insertOrderRow(stack, { orderId: "whdup1", amountMinor: 500n });
    await createSimOrder(stack, { orderId: "whdup1", amountMinor: 500n });
    const body = orderWebhookBody({ eventName: "ORDER_SUCCEEDED", orderId: "whdup1", amount: 5, status: "CHARGED" });
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await ingest(stack, body));
    const parallel = await Promise.all(Array.from({ length: 10 }, () => ingest(stack, body)));
    const all = [...sequential, ...parallel];
    const eventId = all[0]!.eventId;
    expect(all.every((r) => r.eventId === eventId)).toBe(true);
    expect(all.filter((r) => !r.duplicate).length).toBe(1);
    expect(all[0]!.duplicate).toBe(false);
    const rows = await db().selectFrom("webhook_events").selectAll().where("order_id", "=", "whdup1").execute();
    expect(rows.length).toBe(1);
    expect(rows[0]!.delivery_count).toBe(20);
    const done = await waitForFinal(stack, eventId);
    expect(done.state).toBe("PROCESSED");
    expect(done.attempt_count).toBe(1);
    const jobs = await db().selectFrom("jobs").select("id").where("unique_key", "=", `webhook.process:${eventId}`).execute();
    expect(jobs.length).toBe(1);
  });

  it("a body without an id is deduplicated by its hash", async () => {
    const body = Buffer.from(JSON.stringify({ event_name: "ORDER_CREATED", content: { order: { order_id: "whnoid1" } } }));
    const [a, b] = [await ingest(stack, body), await ingest(stack, body)];
    expect(a.dedupKey).toBe(`sha256:${createHash("sha256").update(body).digest("hex")}`);
    expect(b.duplicate).toBe(true);
    expect(b.eventId).toBe(a.eventId);
    expect((await waitForFinal(stack, a.eventId)).state).toBe("IGNORED");
    expect((await eventRow(stack, a.eventId))?.juspay_event_id).toBeNull();
  });
});
