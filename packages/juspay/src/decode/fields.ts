import { z } from "zod";
import { JUSPAY_DEFAULT_CURRENCY } from "../money/currencies.js";
import { tryMinorUnits } from "./money.js";
import { toJuspayTime, type JuspayTime } from "./time.js";

// Building blocks of the wire schemas and the typed views built from them.
// Wire schemas are z.looseObject (unknown keys tolerated and kept, values
// untouched, so the decoded wire object doubles as `raw`); they accept the
// variety Juspay has shown for a slot (number or string, boolean or "true",
// an object or the mask "FILTERED", null) and reject anything else. The typed
// views are built in one transform per top-level object with the readers
// below, which report amounts that are not exact as zod issues.

/** How Juspay masks a field in webhooks and some answers. */
export const FILTERED = "FILTERED";

/** A scalar slot: text, number, boolean or null. */
export const scalarIn = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
/** An amount: a JSON number or a decimal string (or null / FILTERED). */
export const amountIn = z.union([z.number(), z.string(), z.null()]).optional();
/** A time: ISO text, epoch seconds/ms as text or a number. */
export const timeIn = z.union([z.string(), z.number(), z.null()]).optional();
/** A nested object Juspay may mask as "FILTERED" (card, upi, payment_info). */
export const maskableObject = <S extends z.ZodType>(schema: S) => z.union([schema, z.string(), z.null()]).optional();
/** A loose object with no declared keys. */
export const anyObject = z.looseObject({});

export type Wire = Record<string, unknown>;
type PathSegment = string | number;

/** Where issues found while building a typed view go (a zod refinement context, or a collector in tests). */
export interface IssueSink {
  addIssue(issue: { code: "custom"; message: string; path: PathSegment[] }): void;
}

/** Text, with the mask and empty values read as null; numbers become their decimal text. */
export function textOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string" || value === "" || value === FILTERED) return null;
  return value;
}

/** An integer from a number or digit text ("26"); null otherwise. */
export function intOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : null;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** true/false from booleans or "true"/"false" text; null otherwise (absent, masked). */
export function boolOf(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "true") return true;
    if (text === "false") return false;
  }
  return null;
}

export function timeOf(value: unknown): JuspayTime | null {
  return toJuspayTime(value);
}

/** An object slot, or null when absent, masked or of another type. */
export function objectOf(value: unknown): Wire | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Wire) : null;
}

/**
 * The currency an object's amounts are in: its own `currency`, else the
 * enclosing object's (a refund inside an order), else Juspay's default INR
 * (reference §1.4: notifications and some answers carry none).
 */
export function currencyOf(value: unknown, enclosing?: string | null): string {
  return textOf(value) ?? enclosing ?? JUSPAY_DEFAULT_CURRENCY;
}

/**
 * An amount in integer minor units of `currency`. Absent, null, "" and
 * "FILTERED" read as null; anything else that is not an exact amount in that
 * currency (or a currency outside the table) is an issue (the decode fails: a
 * wrong amount must never pass as a plausible one).
 */
export function amountOf(sink: IssueSink, path: PathSegment[], value: unknown, currency: string): number | null {
  if (value === undefined || value === null || value === "" || value === FILTERED) return null;
  const result = tryMinorUnits(value, currency);
  if (result.ok) return result.value;
  sink.addIssue({ code: "custom", message: `invalid amount: ${result.reason}`, path });
  return null;
}
