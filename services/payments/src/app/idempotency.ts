import { sql, type Kysely, type Transaction } from "kysely";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import type { DatabaseSchema } from "../db/schema.js";
import { AppError } from "./errors.js";

// Idempotency keys of mutating RPCs (IETF draft semantics, Stripe's practice):
// the first request with a key claims it with its request hash; a repeat with
// the same parameters gets the stored outcome; different parameters are
// FAILED_PRECONDITION; a repeat while the first is still running is ABORTED.
// A claim whose process died is taken over once its lock expires.

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

export interface KeyRef {
  /** "<owner>/<rpc>", the owner as keyOwner() names it. */
  scope: string;
  key: string;
}

export type Claim =
  /** Ours now: run the request. `resumed` when a dead process had claimed it before. */
  | { kind: "claimed"; resumed: boolean; resourceId: string | null }
  /** Done before: answer from what was stored. */
  | { kind: "completed"; response: Uint8Array | null; resourceId: string | null };

/** `owner`: keyOwner() of the call; "<caller>" for callers that see every customer. */
export function scopeOf(owner: string, rpc: string): string {
  return `${owner}/${rpc}`;
}

/**
 * Whose keys a call uses. A caller that sees every customer owns its keys; a
 * customer-scoped caller (the BFF) owns a separate set per customer it acts
 * for, so one customer can never replay, squat or probe another's key. Caller
 * ids and customer ids hold no "/", so owners never collide; a plain caller's
 * owner stays its id (refund ids are derived from it, ADR 0009).
 */
export function keyOwner(caller: string, customer: string | null): string {
  return customer === null ? caller : `${caller}/customer/${customer}`;
}

/** Claims `ref` for a request with `requestHash`; throws AppError on reuse or while in flight. */
export async function claimKey(db: Db, ref: KeyRef, requestHash: string, lockMs: number): Promise<Claim> {
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({ scope: ref.scope, key: ref.key, request_hash: requestHash, state: "in_flight", locked_until: lockUntil(lockMs) })
    .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  if (inserted !== undefined) return { kind: "claimed", resumed: false, resourceId: null };

  const row = await db.selectFrom("idempotency_keys").selectAll().where("scope", "=", ref.scope).where("key", "=", ref.key).forUpdate().executeTakeFirst();
  // Deleted (released or expired) between the conflict and the read: the caller may simply retry.
  if (row === undefined) throw inFlight();
  if (row.request_hash !== requestHash) {
    throw new AppError("failed_precondition", ErrorReason.IDEMPOTENCY_KEY_REUSED, "idempotency_key was already used with different parameters: use a new key for a new request");
  }
  if (row.state === "completed") return { kind: "completed", response: row.response, resourceId: row.resource_id };
  const taken = await db
    .updateTable("idempotency_keys")
    .set({ locked_until: lockUntil(lockMs) })
    .where("scope", "=", ref.scope)
    .where("key", "=", ref.key)
    .where("state", "=", "in_flight")
    .where("locked_until", "<", sql<Date>`now()`)
    .returning("resource_id")
    .executeTakeFirst();
  if (taken === undefined) throw inFlight();
  return { kind: "claimed", resumed: true, resourceId: taken.resource_id };
}

/** Links the claim to the row it created (before the outcome is known). */
export async function linkKey(db: Db, ref: KeyRef, resourceId: string): Promise<void> {
  await db.updateTable("idempotency_keys").set({ resource_id: resourceId }).where("scope", "=", ref.scope).where("key", "=", ref.key).execute();
}

/** Stores the outcome; later repeats replay it. */
export async function completeKey(db: Db, ref: KeyRef, response: Uint8Array | null, resourceId: string | null = null): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ state: "completed", response, completed_at: sql<Date>`now()`, ...(resourceId !== null ? { resource_id: resourceId } : {}) })
    .where("scope", "=", ref.scope)
    .where("key", "=", ref.key)
    .execute();
}

/** Forgets a claim whose request had no effect (it failed before changing anything), so a retry runs afresh. */
export async function releaseKey(db: Db, ref: KeyRef): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("scope", "=", ref.scope).where("key", "=", ref.key).where("state", "=", "in_flight").execute();
}

/**
 * Deletes keys past the retention; returns how many. Completed keys go once
 * created that long ago. An in-flight key goes only once its lock expired
 * that long ago: its process died, or it was kept because a Juspay call's
 * outcome stayed unknown, and a retry would have taken it over long before.
 * No request runs that long (deadlines, Juspay and statement timeouts are
 * seconds to minutes), so none that may still run is ever deleted.
 */
export async function pruneKeys(db: Db, retentionMs: number, limit = 1_000): Promise<number> {
  const cutoff = sql<Date>`now() - ${retentionMs}::double precision * interval '1 millisecond'`;
  // created_at (indexed) <= locked_until always, so the first condition narrows both kinds.
  const result = await sql<{ key: string }>`
    delete from idempotency_keys where ctid in (
      select ctid from idempotency_keys
      where created_at < ${cutoff} and (state = 'completed' or locked_until < ${cutoff})
      limit ${limit})
    returning key`.execute(db);
  return result.rows.length;
}

function lockUntil(lockMs: number) {
  return sql<Date>`now() + ${lockMs}::double precision * interval '1 millisecond'`;
}

function inFlight(): AppError {
  return new AppError("aborted", ErrorReason.IDEMPOTENCY_KEY_IN_FLIGHT, "a request with this idempotency_key is still in progress: retry later with the same key", {
    retryable: true,
  });
}
