import type { EventOutlet, SimContext, WebhookEvent } from "../context.js";
import { isoTime, newId } from "../context.js";
import { postJson } from "./post.js";
import { retryDelay } from "./schedule.js";
import { applyPatch, checkUrl, deliveryHeaders, settingsFromOptions, type WebhookSettings, type WebhookSettingsPatch } from "./settings.js";

// Juspay → merchant webhooks. emit() records the event and returns at once;
// delivery happens asynchronously. Attempts go out one at a time, in the
// order they fall due (so, without the outOfOrder switch, a receiver sees
// events in emission order). Anything but HTTP 200 — or a connection error or
// timeout — is retried on the simulated clock per Juspay's schedule
// (schedule.ts); after the 16th retry the delivery is "failed".

export type DeliveryState = "held" | "pending" | "delivered" | "failed" | "dropped" | "skipped";

export interface DeliveryAttempt {
  /** 1 = the original attempt, 2..17 = retries 1..16. */
  n: number;
  /** Simulated epoch ms the attempt was due (exactly per the schedule). */
  dueAt: number;
  /** Simulated epoch ms it went out (later than dueAt while paused or queued). */
  at: number;
  /** Real wall-clock time it went out, ISO. */
  realTime: string;
  durationMs: number;
  url: string | null;
  /** HTTP status; unset while in flight or when the attempt errored. */
  status?: number;
  /** Connection error or timeout. */
  error?: string;
  /** Start of the receiver's answer. */
  response?: string;
}

/** One event on its way to one URL; the duplicates switch makes several per event. */
export interface Delivery {
  eventId: string;
  eventName: string;
  /** 0 = the original; 1..n = copies made by the duplicates switch. */
  copy: number;
  /** The per-event URL (order metadata.webhook_url), else the configured URL as of the last attempt. */
  url: string | null;
  state: DeliveryState;
  /** Why it was skipped, dropped or given up. */
  reason?: string;
  attempts: DeliveryAttempt[];
  /** Simulated epoch ms of the next attempt while one is scheduled. */
  nextAttemptAt?: number;
}

interface Entry {
  delivery: Delivery;
  body: string;
  /** Per-event URL; fixed for the event's life. Otherwise the configured URL is read per attempt. */
  override?: string;
  dueAt: number;
}

export class WebhookSender implements EventOutlet {
  /** Every emitted event, in emission order (including dropped and skipped ones). */
  readonly events: WebhookEvent[] = [];
  private readonly entries: Entry[] = [];
  private current: WebhookSettings | undefined;
  private held: Entry[][] = [];
  private holdToken = 0;
  private holdArmed = false;
  private readonly queue: Entry[] = [];
  private sending = false;
  private dropCarry = 0;
  // Bumped by clear()/close(): callbacks of an older generation do nothing.
  private generation = 0;
  private closed = false;
  private abort = new AbortController();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly ctx: () => SimContext) {}

  /** Current settings (initially from the simulator options). */
  settings(): WebhookSettings {
    // Read lazily: the context is still being assembled when the sender is built.
    this.current ??= settingsFromOptions(this.ctx().options);
    return { ...this.current, headers: { ...this.current.headers } };
  }

  /** Changes settings; throws SettingsError (nothing changed) when a field is invalid. */
  configure(patch: WebhookSettingsPatch): WebhookSettings {
    const before = this.settings();
    this.current = applyPatch(before, patch);
    if (before.outOfOrder && !this.current.outOfOrder) this.flush();
    if (before.paused && !this.current.paused) this.schedulePump();
    return this.settings();
  }

  emit(eventName: string, content: Record<string, unknown>, options: { webhookUrl?: string } = {}): WebhookEvent {
    const now = this.now();
    const event: WebhookEvent = { id: newId("evt_V2_"), event_name: eventName, date_created: isoTime(now), content };
    this.events.push(event);
    const s = this.settings();
    const override = options.webhookUrl || undefined;
    const url = override ?? s.url;
    const body = JSON.stringify(event);
    const single = (state: DeliveryState, reason: string): void => void this.add(event, 0, url, body, override, state, reason);
    const badUrl = url === undefined ? "no webhook URL configured" : checkUrl(url);

    if (badUrl !== undefined) single("skipped", badUrl);
    else if (this.shouldDrop(s.drop)) single("dropped", "drop switch");
    else {
      const copies = Array.from({ length: 1 + s.duplicates }, (_, copy) => this.add(event, copy, url, body, override, "held"));
      if (s.outOfOrder) this.hold(copies, s.outOfOrderWindowMs);
      else this.release(copies);
    }
    this.notify();
    return event;
  }

  /** Sends every held (outOfOrder) event now, newest first. */
  flush(): void {
    this.holdToken++;
    this.holdArmed = false;
    this.release(this.held.splice(0).reverse().flat());
  }

  /** The delivery log (a snapshot), oldest first. */
  deliveries(): Delivery[] {
    return this.entries.map((e) => structuredClone(e.delivery));
  }

  /**
   * Resolves with the first delivery satisfying `predicate` (checked now and
   * after every change of the log); rejects after `timeoutMs` of real time.
   */
  waitForDelivery(predicate: (d: Delivery) => boolean, timeoutMs = 5000): Promise<Delivery> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.entries.find((e) => predicate(e.delivery));
        if (!found) return;
        cleanup();
        resolve(structuredClone(found.delivery));
      };
      const timer = setTimeout(() => {
        cleanup();
        const log = this.entries.map((e) => `${e.delivery.eventName}#${e.delivery.copy}:${e.delivery.state}/${e.delivery.attempts.length}`);
        reject(new Error(`waitForDelivery: nothing matched within ${timeoutMs} ms (log: ${log.join(", ") || "empty"})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Forgets every event and delivery; in-flight attempts are aborted. Settings stay. */
  clear(): void {
    this.newGeneration();
    this.events.length = 0;
    this.entries.length = 0;
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.newGeneration();
    this.listeners.clear();
  }

  private newGeneration(): void {
    this.generation++;
    this.abort.abort();
    this.abort = new AbortController();
    this.queue.length = 0;
    this.held = [];
    this.holdArmed = false;
    this.holdToken++;
    this.sending = false;
    this.dropCarry = 0;
  }

  private add(event: WebhookEvent, copy: number, url: string | undefined, body: string, override: string | undefined, state: DeliveryState, reason?: string): Entry {
    const delivery: Delivery = { eventId: event.id, eventName: event.event_name, copy, url: url ?? null, state, attempts: [] };
    if (reason) delivery.reason = reason;
    const entry: Entry = { delivery, body, dueAt: 0 };
    if (override !== undefined) entry.override = override;
    this.entries.push(entry);
    return entry;
  }

  // Deterministic rate: the carry crosses 1 every 1/rate events (0.25 → every 4th).
  private shouldDrop(rate: number): boolean {
    if (rate <= 0) return false;
    this.dropCarry += rate;
    if (this.dropCarry < 1 - 1e-9) return false;
    this.dropCarry -= 1;
    return true;
  }

  private hold(copies: Entry[], windowMs: number): void {
    this.held.push(copies);
    if (this.holdArmed) return;
    this.holdArmed = true;
    const token = this.holdToken;
    this.ctx().clock.after(windowMs, () => {
      if (token === this.holdToken) this.flush();
    });
  }

  private release(entries: Entry[]): void {
    const now = this.now();
    for (const entry of entries) this.enqueue(entry, now);
  }

  private enqueue(entry: Entry, dueAt: number): void {
    entry.dueAt = dueAt;
    entry.delivery.state = "pending";
    entry.delivery.nextAttemptAt = dueAt;
    this.queue.push(entry);
    this.schedulePump();
  }

  // Deferred, so an API handler that emits returns (and answers) before delivery starts.
  private schedulePump(): void {
    setImmediate(() => this.pump());
  }

  private pump(): void {
    if (this.sending || this.closed || this.settings().paused) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.sending = true;
    const generation = this.generation;
    void this.attempt(entry, generation).finally(() => {
      if (generation !== this.generation) return;
      this.sending = false;
      this.pump();
    });
  }

  private async attempt(entry: Entry, generation: number): Promise<void> {
    const s = this.settings();
    const d = entry.delivery;
    const url = entry.override ?? s.url ?? null;
    const started = Date.now();
    const attempt: DeliveryAttempt = { n: d.attempts.length + 1, dueAt: entry.dueAt, at: this.now(), realTime: new Date(started).toISOString(), durationMs: 0, url };
    d.attempts.push(attempt);
    d.url = url;
    delete d.nextAttemptAt;
    this.notify();
    try {
      if (url === null) throw new Error("no webhook URL configured");
      const result = await postJson(url, entry.body, deliveryHeaders(s), s.attemptTimeoutMs, this.abort.signal);
      attempt.status = result.status;
      attempt.response = result.body;
    } catch (err) {
      attempt.error = err instanceof Error ? err.message : String(err);
    }
    attempt.durationMs = Date.now() - started;
    if (generation !== this.generation) return;

    if (attempt.status === 200) {
      d.state = "delivered";
    } else {
      // Attempt n failed, so retry n comes next; each delay counts from the previous due time.
      const delay = retryDelay(attempt.n);
      if (delay === undefined) {
        d.state = "failed";
        d.reason = `gave up after ${attempt.n} attempts`;
      } else {
        const dueAt = entry.dueAt + delay;
        d.nextAttemptAt = dueAt;
        this.ctx().clock.at(dueAt, () => {
          if (generation === this.generation) this.enqueue(entry, dueAt);
        });
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  // Whole milliseconds, so schedule arithmetic on the log is exact; floor keeps
  // a due time never later than the clock reading it was taken from.
  private now(): number {
    return Math.floor(this.ctx().clock.now());
  }
}
