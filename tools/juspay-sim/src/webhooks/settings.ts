import type { SimulatorOptions } from "../context.js";

// Webhook settings: where events go and how (Juspay's dashboard settings:
// URL, Basic auth, custom headers) plus the simulator's misbehaviour
// switches. Changeable at runtime (PUT /__admin/webhooks/settings or
// sim.webhooks.configure()); every change is validated as a whole.

export interface WebhookSettings {
  /** Dashboard webhook URL; unset = events are logged as "skipped", not sent. */
  url?: string;
  username?: string;
  password?: string;
  /** Custom headers sent with every delivery. */
  headers: Record<string, string>;
  /** Extra copies of every event (same id and body), sent right after the original. */
  duplicates: number;
  /** Hold events for outOfOrderWindowMs of simulated time, then send the batch newest first. */
  outOfOrder: boolean;
  outOfOrderWindowMs: number;
  /** Fraction of events never sent (0..1); deterministic: 0.25 drops every 4th event. */
  drop: number;
  /** Due attempts wait (in order) until unpaused. */
  paused: boolean;
  /** Real-time limit of one attempt; longer counts as a failed attempt (timeout). */
  attemptTimeoutMs: number;
}

/** What callers may change; null clears url, username or password. `drop: true` means 1. */
export interface WebhookSettingsPatch {
  url?: string | null;
  username?: string | null;
  password?: string | null;
  headers?: Record<string, string>;
  duplicates?: number;
  outOfOrder?: boolean;
  outOfOrderWindowMs?: number;
  drop?: boolean | number;
  paused?: boolean;
  attemptTimeoutMs?: number;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "SettingsError";
  }
}

export function settingsFromOptions(options: SimulatorOptions): WebhookSettings {
  return applyPatch(
    {
      headers: {},
      duplicates: 0,
      outOfOrder: false,
      outOfOrderWindowMs: 2000,
      drop: 0,
      paused: false,
      attemptTimeoutMs: 10_000,
    },
    {
      url: options.webhookUrl ?? null,
      username: options.webhookUsername ?? null,
      password: options.webhookPassword ?? null,
      headers: options.webhookHeaders ?? {},
    },
  );
}

/** The settings with the patch applied; throws SettingsError naming every bad field. */
export function applyPatch(current: WebhookSettings, patch: unknown): WebhookSettings {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) throw new SettingsError(["settings must be a JSON object"]);
  const next: WebhookSettings = { ...current, headers: { ...current.headers } };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const problem = applyField(next, key, value);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return next;
}

function applyField(next: WebhookSettings, key: string, value: unknown): string | undefined {
  switch (key) {
    case "url":
      if (value === null || value === "") return void delete next.url;
      return typeof value === "string" ? (checkUrl(value) ?? void (next.url = value)) : "url must be a string or null";
    case "username":
    case "password":
      if (value === null || value === "") return void delete next[key];
      return typeof value === "string" ? void (next[key] = value) : `${key} must be a string or null`;
    case "headers":
      return applyHeaders(next, value);
    case "duplicates":
      return isInt(value, 0, 10) ? void (next.duplicates = value) : "duplicates must be an integer 0..10";
    case "outOfOrder":
    case "paused":
      return typeof value === "boolean" ? void (next[key] = value) : `${key} must be true or false`;
    case "outOfOrderWindowMs":
      return isInt(value, 0, 86_400_000) ? void (next.outOfOrderWindowMs = value) : "outOfOrderWindowMs must be an integer 0..86400000";
    case "attemptTimeoutMs":
      return isInt(value, 1, 600_000) ? void (next.attemptTimeoutMs = value) : "attemptTimeoutMs must be an integer 1..600000";
    case "drop":
      if (typeof value === "boolean") return void (next.drop = value ? 1 : 0);
      return typeof value === "number" && value >= 0 && value <= 1 ? void (next.drop = value) : "drop must be true, false or a rate 0..1";
    default:
      return `unknown setting ${JSON.stringify(key)}`;
  }
}

function applyHeaders(next: WebhookSettings, value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "headers must be an object of name → string value";
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") return `header ${JSON.stringify(name)} must have a string value`;
    const problem = checkHeader(name, v);
    if (problem) return problem;
    headers[name] = v;
  }
  next.headers = headers;
  return undefined;
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** A problem with a webhook URL, or undefined when it is an http(s) URL. */
export function checkUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return undefined;
  } catch {
    // fall through
  }
  return `webhook url must be an http:// or https:// URL, got ${JSON.stringify(url)}`;
}

// Headers the transport owns; setting them would corrupt the request.
const RESERVED = new Set(["host", "content-length", "transfer-encoding", "connection"]);

/** A problem with a custom header, or undefined when it can be sent. */
export function checkHeader(name: string, value: string): string | undefined {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `invalid header name ${JSON.stringify(name)}`;
  if (RESERVED.has(name.toLowerCase())) return `header ${name} cannot be set`;
  if (/[\r\n\0]/.test(value)) return `header ${name} has a control character in its value`;
  return undefined;
}

/** Settings as shown to operators: the password and custom header values masked. */
export function publicSettings(s: WebhookSettings): Record<string, unknown> {
  return {
    ...s,
    password: s.password === undefined ? undefined : "***",
    headers: Object.fromEntries(Object.keys(s.headers).map((name) => [name, "***"])),
  };
}

/** Headers of one delivery: custom headers, then Content-Type and Basic auth on top. */
export function deliveryHeaders(s: WebhookSettings): Record<string, string> {
  const headers: Record<string, string> = { ...s.headers, "Content-Type": "application/json" };
  if (s.username !== undefined || s.password !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${s.username ?? ""}:${s.password ?? ""}`).toString("base64")}`;
  }
  return headers;
}
