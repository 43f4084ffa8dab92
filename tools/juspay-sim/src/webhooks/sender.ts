import type { EventOutlet, SimContext, WebhookEvent } from "../context.js";
import { isoTime, newId } from "../context.js";

// Placeholder: records events; delivery with retries is filled in later.
export class WebhookSender implements EventOutlet {
  readonly events: WebhookEvent[] = [];
  constructor(private readonly ctx: () => SimContext) {}

  emit(eventName: string, content: Record<string, unknown>): WebhookEvent {
    const event = { id: newId("evt_V2_"), event_name: eventName, date_created: isoTime(this.ctx().clock.now()), content };
    this.events.push(event);
    return event;
  }

  close(): void {}
}
