import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_PATH } from "../../webhook-bridge/src/server.js";
import { startStack, TEST_WEBHOOK_CREDENTIALS, type Stack } from "./helpers/stack.js";

// Issue 15, findings 8 and 2: a webhook whose routing fields Postgres cannot
// store (a NUL byte, an id past the btree limit of the dedup index) or that
// no log line should carry (a 60,000-character event_name) is malformed: a
// dead letter, answered 400 by the bridge so Juspay stops re-sending, never
// INTERNAL / 503, nothing stored and nothing of it logged unbounded. Long
// event ids that can be stored are kept, under a hashed dedup key. Everything
// goes through the real bridge to the real service over sockets.

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ webhooks: true, jobs: false });
});
afterAll(async () => stack?.stop());

const { username, password } = TEST_WEBHOOK_CREDENTIALS;

function postToBridge(body: string): Promise<number> {
  const bytes = Buffer.from(body, "utf8");
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: stack.bridge!.address.host,
        port: stack.bridge!.address.port,
        method: "POST",
        path: WEBHOOK_PATH,
        agent: false,
        headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`, "content-type": "application/json", "content-length": bytes.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(bytes);
  });
}

let n = 0;
function webhook(fields: { id?: string; eventName?: string; orderId?: string } = {}): string {
  n++;
  return JSON.stringify({
    id: fields.id ?? `evt_V2_unstorable_${process.pid}_${n}`,
    event_name: fields.eventName ?? "ORDER_SUCCEEDED",
    date_created: new Date().toISOString(),
    content: { order: { order_id: fields.orderId ?? `ordunstorable${n}`, amount: 10, status: "CHARGED" } },
  });
}

async function eventRows(): Promise<number> {
  const row = await stack.database.database.db.selectFrom("webhook_events").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function deadLetterReasons(): Promise<string[]> {
  const rows = await stack.database.database.db.selectFrom("webhook_dead_letters").select("reason").execute();
  return rows.map((r) => r.reason);
}

/** The longest string (value or key) anywhere in a log record. */
function longestString(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (typeof value !== "object" || value === null) return 0;
  return Math.max(0, ...Object.entries(value).map(([k, v]) => Math.max(k.length, longestString(v))));
}

describe("routing fields Postgres cannot store (finding 8)", () => {
  it.each([
    ["a NUL byte in event_name", { eventName: "ORDER_SUCCEEDED\u0000" }, "event_name"],
    ["a NUL byte in order_id", { orderId: "ord\u0000x" }, "order_id"],
    ["a NUL byte in id", { id: "evt_\u0000" }, "id"],
    ["a lone surrogate in order_id", { orderId: "ord\ud800x" }, "order_id"],
    // Random characters do not compress: past the btree limit of the dedup and event-id indexes.
    ["an id of 3,000 random characters", { id: randomBytes(2_250).toString("base64") }, "id"],
  ])("%s → bridge 400, a dead letter naming the field, no event stored", async (_name, fields, field) => {
    const before = await eventRows();
    expect(await postToBridge(webhook(fields))).toBe(400);
    expect(await eventRows()).toBe(before);
    expect(await deadLetterReasons()).toContainEqual(expect.stringMatching(new RegExp(`^invalid_field: ${field.replace(".", "\\.")}: `)));
  });

  it("an id of 300 characters is stored under a hashed dedup key, and its re-delivery is a duplicate", async () => {
    const id = `evt_${"x".repeat(296)}`;
    const body = webhook({ id });
    expect(await postToBridge(body)).toBe(200);
    expect(await postToBridge(body)).toBe(200);
    const row = await stack.database.database.db.selectFrom("webhook_events").selectAll().where("juspay_event_id", "=", id).executeTakeFirstOrThrow();
    expect(row.dedup_key).toMatch(/^evt-sha256:[0-9a-f]{64}$/);
    expect(row.delivery_count).toBe(2);
  });
});

describe("a 60,000-character event_name (finding 2)", () => {
  it("is refused at the service's edge (bridge 400, nothing stored) and no log line of the service or the bridge carries it", async () => {
    const before = await eventRows();
    const eventName = "E".repeat(60_000);
    expect(await postToBridge(webhook({ eventName }))).toBe(400);
    expect(await eventRows()).toBe(before);
    expect(await deadLetterReasons()).toContainEqual(expect.stringMatching(/^invalid_field: event_name: longer than 128 bytes$/));
    for (const record of [...stack.logs, ...stack.bridgeLogs]) {
      expect(longestString(record), String(record.msg)).toBeLessThanOrEqual(4_096);
      expect(JSON.stringify(record)).not.toContain("E".repeat(600));
    }
  });
});
