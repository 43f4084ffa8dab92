import { createHash } from "node:crypto";
import { isJuspayError } from "@payments/juspay";
import { sql } from "kysely";
import type { MandateRow } from "../../db/mandates-repository.js";
import type { AppContext } from "../context.js";
import { logReadFailure, staleReasonOf, type StaleReason } from "../orders/refresh-order.js";
import { decodeKeysetToken, keysetPage } from "../page-token.js";
import type { CallBudget } from "../ports.js";
import { applyMandate } from "./apply-mandate.js";

// ListMandates: the first page first brings our rows up to date from Juspay's
// list (every state, including mandates we had not seen: registered from the
// dashboard or before this service), then every page is read from our rows,
// newest first (created_at, mandate_id), by keyset so rows added meanwhile
// never shift a page. Later pages do not call Juspay again.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** Juspay list pages read per refresh, and their size: a bound on one call's work. */
const JUSPAY_PAGE = 100;
const JUSPAY_MAX_PAGES = 10;

export interface MandateListRequest {
  customerId: string;
  /** Status names without prefix; empty = all. */
  statuses: string[];
  pageSize: number;
  pageToken: string;
}

export interface MandatePage {
  mandates: MandateRow[];
  nextPageToken: string;
  stale: StaleReason | null;
}

export async function listMandates(ctx: AppContext, request: MandateListRequest, budget: CallBudget): Promise<MandatePage> {
  const size = request.pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(request.pageSize, MAX_PAGE_SIZE);
  const scope = filterScope(request);
  const after = request.pageToken === "" ? null : decodeKeysetToken(request.pageToken, scope, "mandate list (same customer and statuses)");
  const stale = after === null ? await importFromJuspay(ctx, request.customerId, budget) : null;

  let query = ctx.db
    .selectFrom("mandates")
    .selectAll()
    .select(sql<string>`(extract(epoch from created_at) * 1000000)::bigint::text`.as("created_at_us"))
    .where("customer_id", "=", request.customerId);
  if (request.statuses.length > 0) query = query.where("status", "in", request.statuses);
  if (after !== null) {
    const at = sql<Date>`(timestamptz 'epoch' + ${after.atUs}::bigint * interval '1 microsecond')`;
    query = query.where(sql<boolean>`(created_at, mandate_id) < (${at}, ${after.id})`);
  }
  const rows = await query.orderBy("created_at", "desc").orderBy("mandate_id", "desc").limit(size + 1).execute();
  const { page, nextPageToken } = keysetPage(rows, size, scope, (row) => ({ atUs: row.created_at_us, id: row.mandate_id }));
  return { mandates: page.map(({ created_at_us: _us, ...mandate }) => mandate), nextPageToken, stale };
}

/** Applies the customer's mandates as Juspay lists them; the stale reason when Juspay could not answer. */
async function importFromJuspay(ctx: AppContext, customerId: string, budget: CallBudget): Promise<StaleReason | null> {
  try {
    let offset = 0;
    for (let page = 0; page < JUSPAY_MAX_PAGES; page++) {
      const list = await ctx.juspay.mandates.list(customerId, { count: JUSPAY_PAGE, offset, signal: budget.signal, deadline: budget.deadline, routingId: customerId });
      for (const mandate of list.mandates) await applyMandate(ctx, mandate, { customerId });
      offset += list.mandates.length;
      const complete = list.total !== null ? offset >= list.total || list.mandates.length >= list.total : list.mandates.length < JUSPAY_PAGE;
      if (complete || list.mandates.length === 0) break;
    }
    return null;
  } catch (err) {
    if (!isJuspayError(err)) throw err;
    logReadFailure(ctx, { customerId }, err);
    return staleReasonOf(err);
  }
}

/** A short hash of what selects the rows (page size may change between pages). */
function filterScope(request: MandateListRequest): string {
  const canonical = JSON.stringify([request.customerId, [...new Set(request.statuses)].sort()]);
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}
