// Juspay's times come in several forms (reference §1.4, fixtures): ISO-8601
// UTC ("2021-11-09T16:19:55Z", "2024-02-12T07:44:57.150265Z",
// "2016-08-02T08:07:52+0000"), UNIX epoch seconds as strings (mandate and
// notification dates: "1598745600"), epoch milliseconds (SDK payloads:
// "1800037800000", or JSON numbers), masked ("FILTERED") and sometimes
// malformed ("1111111T07:00:40Z"). A time that cannot be read never fails a
// decode: the raw value is kept and the parsed value is null.

export interface JuspayTime {
  /** Exactly what Juspay sent. */
  raw: string | number;
  /** The instant, or null when the value is masked or malformed. */
  at: Date | null;
}

/** Numbers at or above this are epoch milliseconds; below, epoch seconds (1e11 s is the year 5138). */
const MS_THRESHOLD = 1e11;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function fromEpoch(ms: number): Date | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseIso(text: string): Date | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || "0");
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  // No zone: Juspay writes UTC everywhere, so a bare time is read as UTC.
  return fromEpoch(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

/** The instant a Juspay time value denotes, or null (masked, malformed, out of range). */
export function parseJuspayTime(value: unknown): Date | null {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) return null;
    return fromEpoch(value >= MS_THRESHOLD ? value : value * 1000);
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d{1,11}$/.test(text)) return fromEpoch(Number(text) * 1000);
  if (/^\d{12,15}$/.test(text)) return fromEpoch(Number(text));
  return parseIso(text);
}

/** `{raw, at}` for a present value; null when absent (undefined, null, ""). */
export function toJuspayTime(value: unknown): JuspayTime | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" && typeof value !== "number") return null;
  return { raw: value, at: parseJuspayTime(value) };
}

/** A Date as Juspay's epoch-seconds request fields take it ("1598745600"). */
export function toEpochSeconds(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("date must be a valid time after 1970");
  return String(Math.floor(ms / 1000));
}
