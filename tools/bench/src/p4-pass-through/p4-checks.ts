import { withClient } from "../stack/database-client.js";
import type { BenchStack } from "../stack/bench-stack.js";

// What P4 checks after (and around) its calls: the refunds our database
// holds, and what the simulator counted (requests per route, refund ids per
// order). Admin requests are not counted by the simulator.

export interface SimCounters {
  requests: Record<string, number>;
  uniqueRequestIdsPerOrder: Record<string, string[]>;
}

export async function simCounters(stack: BenchStack): Promise<SimCounters> {
  const res = await fetch(`${stack.simUrl}/__admin/counters`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`the simulator's counters answered ${res.status}`);
  return (await res.json()) as SimCounters;
}

/** Requests the simulator served on `route` between two snapshots. */
export function requestsBetween(before: SimCounters, after: SimCounters, route: string): number {
  return (after.requests[route] ?? 0) - (before.requests[route] ?? 0);
}

/** Refund ids the simulator received for orders whose id starts with `prefix`. */
export function simRefundIds(counters: SimCounters, prefix: string): number {
  let n = 0;
  for (const [orderId, ids] of Object.entries(counters.uniqueRequestIdsPerOrder)) if (orderId.startsWith(prefix)) n += ids.length;
  return n;
}

/** Our refund rows of orders whose id starts with `prefix`, by "STATUS" or "STATUS (not acknowledged)". */
export function ourRefunds(stack: BenchStack, prefix: string): Promise<Record<string, number>> {
  return withClient(stack.database.url, async (client) => {
    const { rows } = await client.query<{ status: string; acknowledged: boolean; n: string }>(
      "select status, acknowledged, count(*) as n from refunds where order_id like $1 group by status, acknowledged",
      [`${prefix}%`],
    );
    return Object.fromEntries(rows.map((r) => [r.acknowledged ? r.status : `${r.status} (not acknowledged)`, Number(r.n)]));
  });
}
