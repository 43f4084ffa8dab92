import { withClient } from "../stack/database-client.js";
import { benchEventId, eventIdPrefix } from "./webhook-body.js";

// After P3's webhook runs: which events answered 200 are not in the
// service's webhook table (lost: must be 0), which were delivered more than
// once (duplicates: each request carried a new event id, so also 0), and how
// far the background processing got. Read straight from the bench database,
// not through the service, so a bug in the service cannot hide a loss.

export interface AcknowledgedPhase {
  phaseTag: string;
  /** Sequence numbers of the events answered 200. */
  okSeqs: number[];
}

export interface PhaseAudit {
  phaseTag: string;
  acknowledged: number;
  /** Answered 200, not stored. */
  lost: number;
  /** Stored, not answered 200 (cut off by the end of the run or a timeout): Juspay would re-send them. */
  storedNotAcknowledged: number;
  /** Extra deliveries counted on stored events. */
  duplicates: number;
}

export async function auditAcknowledged(url: string, phases: AcknowledgedPhase[]): Promise<PhaseAudit[]> {
  return withClient(url, async (client) => {
    const audits: PhaseAudit[] = [];
    for (const phase of phases) {
      const prefix = eventIdPrefix(phase.phaseTag);
      const { rows } = await client.query<{ juspay_event_id: string; delivery_count: number }>(
        "select juspay_event_id, delivery_count from webhook_events where juspay_event_id like $1",
        [`${prefix.replace(/_/g, "\\_")}%`],
      );
      const stored = new Map(rows.map((row) => [row.juspay_event_id, row.delivery_count]));
      let lost = 0;
      for (const seq of phase.okSeqs) if (!stored.has(benchEventId(phase.phaseTag, seq))) lost++;
      const duplicates = rows.reduce((sum, row) => sum + row.delivery_count - 1, 0);
      audits.push({ phaseTag: phase.phaseTag, acknowledged: phase.okSeqs.length, lost, storedNotAcknowledged: rows.length - (phase.okSeqs.length - lost), duplicates });
    }
    return audits;
  });
}

/** Processing states of P3's events, e.g. { PROCESSED: 812, RECEIVED: 20311 }. */
export async function processingStates(url: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ state: string; n: string }>("select state, count(*) as n from webhook_events where juspay_event_id like 'evt\\_V2\\_p3%' group by state order by state");
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
  });
}

/**
 * Cancels the processing jobs P3's events left queued (the service works
 * through them at its job concurrency, long after the run): later
 * benchmarks on the same stack must not measure against that backlog.
 * Running jobs finish normally. Returns how many were cancelled.
 */
export async function cancelProcessingBacklog(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const result = await client.query(
      "update jobs set state = 'cancelled', finished_at = now(), last_error = 'cancelled by the P3 benchmark after its run' where kind = 'webhook.process' and state in ('available', 'retryable')",
    );
    return result.rowCount ?? 0;
  });
}
