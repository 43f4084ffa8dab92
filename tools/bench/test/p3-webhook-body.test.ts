import { describe, expect, it } from "vitest";
import { parseWebhookEnvelope } from "@payments/juspay";
import { benchEventId, eventIdPrefix, webhookBodies } from "../src/p3-webhooks/webhook-body.js";

describe("P3 webhook bodies", () => {
  const bodies = webhookBodies();

  it("carry the event id and order id the service routes and dedups on", () => {
    const parsed = parseWebhookEnvelope(bodies.body(benchEventId("c32", 7), "p3order3"));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.eventId).toBe("evt_V2_p3c32_00000007");
    expect(parsed.value.dedupKey).toBe("evt:evt_V2_p3c32_00000007");
    expect(parsed.value.eventName).toBe("ORDER_SUCCEEDED");
    expect(parsed.value.orderId).toBe("p3order3");
  });

  it("give every sequence number its own id under the phase's prefix", () => {
    expect(benchEventId("w", 0)).not.toBe(benchEventId("w", 1));
    expect(benchEventId("c64", 255).startsWith(eventIdPrefix("c64"))).toBe(true);
  });
});
