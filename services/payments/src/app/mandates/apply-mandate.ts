import { UNKNOWN, type JuspayMandate } from "@payments/juspay";
import type { Insertable, Transaction, Updateable } from "kysely";
import { lockMandate, type MandateRow } from "../../db/mandates-repository.js";
import type { DatabaseSchema, MandatesTable } from "../../db/schema.js";
import { isFinalMandateStatus, mandateEventType, mayTransitionMandate, type StoredMandateStatus } from "../../domain/mandate-status.js";
import type { AppContext } from "../context.js";
import { appendMandateEvent } from "../events/payment-events.js";

// Applies a mandate as Juspay reports it (order status's mandate block,
// check_status, the list, a command's answer) to our row, under the row lock,
// with the never-backwards rules of domain/mandate-status.ts (ADR 0013).
// Reports are often partial (a revoke answers only id and status), so a field
// Juspay did not send never erases what we know. A new mandate needs a
// customer: from the report, or from the registration order it came with.

export interface MandateOwner {
  customerId?: string | null;
  registrationOrderId?: string | null;
}

export interface AppliedMandate {
  mandate: MandateRow;
  changed: boolean;
}

/** The status to store: Juspay's PENDING is not in its published list but is in ours. */
export function storedMandateStatus(reported: Pick<JuspayMandate, "status" | "statusRaw">): StoredMandateStatus {
  if (reported.status !== UNKNOWN) return reported.status;
  return reported.statusRaw === "PENDING" ? "PENDING" : "UNKNOWN";
}

/** Null when the mandate is new to us and nobody can say whose it is. */
export async function applyMandateInTransaction(
  ctx: AppContext,
  trx: Transaction<DatabaseSchema>,
  reported: JuspayMandate,
  owner: MandateOwner = {},
): Promise<AppliedMandate | null> {
  let row = await lockMandate(trx, reported.mandateId);
  const status = storedMandateStatus(reported);
  const details = reportedDetails(reported);
  const now = new Date();
  if (row === undefined) {
    const customerId = owner.customerId ?? reported.customerId;
    if (customerId === null) return null;
    const values: Insertable<MandatesTable> = {
      mandate_id: reported.mandateId,
      customer_id: customerId,
      registration_order_id: owner.registrationOrderId ?? reported.orderId,
      status,
      status_raw: reported.statusRaw,
      ...details,
      activated_at: details.activated_at ?? (status === "ACTIVE" ? now : null),
      last_synced_at: now,
    };
    // Two first reports can race (a webhook and a read): one inserts, the other waits for it and updates.
    const inserted = await trx.insertInto("mandates").values(values).onConflict((oc) => oc.column("mandate_id").doNothing()).returningAll().executeTakeFirst();
    if (inserted !== undefined) {
      const event = mandateEventType(null, status, false);
      if (event !== null) await appendMandateEvent(trx, ctx.eventSubjects, event, inserted);
      return { mandate: inserted, changed: true };
    }
    row = await lockMandate(trx, reported.mandateId);
    if (row === undefined) return null;
  }

  const patch: Updateable<MandatesTable> = { last_synced_at: now };
  let changed = false;
  // A report older than the one applied last may still end the mandate, but changes nothing else.
  const older = row.juspay_updated_at !== null && details.juspay_updated_at !== null && details.juspay_updated_at < row.juspay_updated_at;
  for (const [column, value] of Object.entries(details) as [keyof typeof details, unknown][]) {
    if (older || value === null || value === undefined || sameValue(row[column], value)) continue;
    (patch as Record<string, unknown>)[column] = value;
    changed = true;
  }
  if (mayTransitionMandate(row.status, status) && (!older || isFinalMandateStatus(status))) {
    patch.status = status;
    patch.status_raw = reported.statusRaw;
    if (status === "ACTIVE" && row.activated_at === null && patch.activated_at === undefined) patch.activated_at = now;
    changed = true;
  }
  if (!changed) {
    await trx.updateTable("mandates").set(patch).where("mandate_id", "=", row.mandate_id).execute();
    return { mandate: { ...row, last_synced_at: now }, changed: false };
  }
  patch.version = row.version + 1n;
  patch.updated_at = now;
  const mandate = await trx.updateTable("mandates").set(patch).where("mandate_id", "=", row.mandate_id).returningAll().executeTakeFirstOrThrow();
  const event = mandateEventType(row.status, mandate.status, row.activated_at !== null);
  if (event !== null) await appendMandateEvent(trx, ctx.eventSubjects, event, mandate);
  return { mandate, changed: true };
}

/** The same in its own transaction. */
export async function applyMandate(ctx: AppContext, reported: JuspayMandate, owner: MandateOwner = {}): Promise<AppliedMandate | null> {
  return ctx.db.transaction().execute((trx) => applyMandateInTransaction(ctx, trx, reported, owner));
}

type Details = Pick<
  MandatesTable,
  | "mandate_token"
  | "mandate_type"
  | "max_amount_minor"
  | "amount_rule"
  | "frequency"
  | "rule_type"
  | "rule_value"
  | "start_at"
  | "end_at"
  | "revokable_by_customer"
  | "block_funds"
  | "payment_method_type"
  | "payment_method"
  | "activated_at"
  | "pause_start_at"
  | "pause_end_at"
  | "juspay_updated_at"
> & { currency?: string };

/** What the report says, null where it says nothing. */
function reportedDetails(m: JuspayMandate): Details {
  const known = <T extends string>(value: T): T | null => (value === UNKNOWN ? null : value);
  return {
    mandate_token: m.mandateToken,
    mandate_type: known(m.mandateType),
    max_amount_minor: m.maxAmountMinor === null || m.maxAmountMinor <= 0 ? null : BigInt(m.maxAmountMinor),
    ...(m.currency !== null && /^[A-Z]{3}$/.test(m.currency) ? { currency: m.currency } : {}),
    amount_rule: known(m.amountRule),
    frequency: known(m.frequency),
    rule_type: m.ruleType,
    rule_value: m.ruleValue,
    start_at: m.startDate?.at ?? null,
    end_at: m.endDate?.at ?? null,
    revokable_by_customer: m.revokableByCustomer,
    block_funds: m.blockFund,
    payment_method_type: m.paymentMethodType,
    payment_method: m.paymentMethod,
    activated_at: m.activatedAt?.at ?? null,
    pause_start_at: m.pauseStartDate?.at ?? null,
    pause_end_at: m.pauseEndDate?.at ?? null,
    juspay_updated_at: m.lastUpdated?.at ?? null,
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
