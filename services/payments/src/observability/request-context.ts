import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { scrubText } from "@payments/env-config/redaction";

// The request id of the work in progress: set by the request-id interceptor
// for an RPC and by the job worker for a job, read by the logger's mixin, the
// Juspay fetch wrapper and enqueue(), so none of the code in between passes it
// along.

export const REQUEST_ID_HEADER = "x-request-id";
/** Key under which enqueue() stores the causing request id in a job's payload. */
export const JOB_REQUEST_ID_FIELD = "requestId";

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,64}$/;
const storage = new AsyncLocalStorage<{ requestId: string }>();

/** The caller's id when well-formed and free of anything the log scrubber would mask (a phone, a card), else a new one. */
export function acceptRequestId(fromCaller: string | null | undefined): string {
  if (typeof fromCaller === "string" && WELL_FORMED.test(fromCaller) && scrubText(fromCaller) === fromCaller) return fromCaller;
  return randomUUID();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** A job payload carrying the current request id (objects only; a payload already naming one keeps it). */
export function withCausingRequestId(payload: unknown): unknown {
  const requestId = currentRequestId();
  if (requestId === undefined || typeof payload !== "object" || payload === null || Array.isArray(payload)) return payload;
  if (JOB_REQUEST_ID_FIELD in payload) return payload;
  return { ...payload, [JOB_REQUEST_ID_FIELD]: requestId };
}

/** Runs a job's handler under the request id that caused the job (none when its payload names none). */
export function runAsJobOf<T>(payload: unknown, fn: () => T): T {
  const requestId = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>)[JOB_REQUEST_ID_FIELD] : undefined;
  return typeof requestId === "string" && WELL_FORMED.test(requestId) ? runWithRequestId(requestId, fn) : storage.exit(fn);
}
