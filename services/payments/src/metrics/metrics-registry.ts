import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AlertName } from "../app/alert-counters.js";

// Every Prometheus metric of the service, defined in one place (names and
// labels are an interface: the runbook and the dashboards use them). Each
// service instance has its own registry, so tests can run several stacks in
// one process; the process-wide default metrics live in a registry of their
// own, made once. Labels only ever take values from small fixed sets (method
// names, gRPC codes, endpoint templates, job kinds, states): never an id.

const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const WEBHOOK_LAG_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Values read from the database at scrape time (db-collectors.ts); undefined when the read failed. */
export interface DatabaseGauges {
  jobs: { kind: string; state: string; count: number }[];
  oldestDueAgeSeconds: { kind: string; seconds: number }[];
  webhookEvents: { state: string; count: number }[];
  webhookOldestUnprocessedAgeSeconds: number;
  refundsManualReview: number;
}

export interface CircuitReading {
  /** The Juspay base URL the breaker guards. */
  endpoint: string;
  open: boolean;
}

const ALERT_NAMES: readonly AlertName[] = ["integrity_mismatch", "refund_manual_review", "sdk_status_mismatch", "juspay_auth_failed"];

export class ServiceMetrics {
  readonly registry = new Registry();
  private readDatabase: () => Promise<DatabaseGauges | undefined> = () => Promise.resolve(undefined);
  private readCircuits: () => CircuitReading[] = () => [];

  readonly rpcRequests = new Counter({
    name: "payments_rpc_requests_total",
    help: "RPCs handled, by method and final gRPC code (streams are counted when they end).",
    labelNames: ["method", "code"] as const,
    registers: [this.registry],
  });

  readonly rpcDuration = new Histogram({
    name: "payments_rpc_duration_seconds",
    help: "RPC duration until the response (streams: until they end), by method and final gRPC code.",
    labelNames: ["method", "code"] as const,
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });

  readonly juspayRequests = new Counter({
    name: "payments_juspay_requests_total",
    help: "HTTP requests to Juspay (every attempt, retries included), by endpoint template and outcome.",
    labelNames: ["endpoint", "outcome"] as const,
    registers: [this.registry],
  });

  readonly juspayDuration = new Histogram({
    name: "payments_juspay_duration_seconds",
    help: "Duration of one HTTP request to Juspay until its body is read, by endpoint template.",
    labelNames: ["endpoint"] as const,
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });

  readonly juspayCircuitOpen = new Gauge({
    name: "payments_juspay_circuit_open",
    help: "1 while the circuit breaker of a Juspay base URL refuses calls (open or half-open), else 0.",
    labelNames: ["endpoint"] as const,
    registers: [this.registry],
    collect: () => {
      this.juspayCircuitOpen.reset();
      for (const { endpoint, open } of this.readCircuits()) this.juspayCircuitOpen.set({ endpoint }, open ? 1 : 0);
    },
  });

  readonly jobs = new Gauge({
    name: "payments_jobs",
    help: "Live background jobs (available, running, retryable) by kind and state, read from the database at scrape time.",
    labelNames: ["kind", "state"] as const,
    registers: [this.registry],
    collect: async () => {
      const read = await this.readDatabase();
      this.jobs.reset();
      for (const { kind, state, count } of read?.jobs ?? []) this.jobs.set({ kind, state }, count);
    },
  });

  readonly jobsOldestDueAge = new Gauge({
    name: "payments_jobs_oldest_due_age_seconds",
    help: "How long the oldest due job that no worker has claimed has been waiting, by kind (0 when none).",
    labelNames: ["kind"] as const,
    registers: [this.registry],
    collect: async () => {
      const read = await this.readDatabase();
      this.jobsOldestDueAge.reset();
      for (const { kind, seconds } of read?.oldestDueAgeSeconds ?? []) this.jobsOldestDueAge.set({ kind }, seconds);
    },
  });

  readonly jobAttempts = new Counter({
    name: "payments_job_attempts_total",
    help: "Job attempts run by this process, by kind and the state the attempt left the job in.",
    labelNames: ["kind", "result"] as const,
    registers: [this.registry],
  });

  readonly webhookEvents = new Gauge({
    name: "payments_webhook_events",
    help: "Stored webhook events still needing attention (RECEIVED, FAILED, UNMATCHED, MALFORMED), by state; each count stops at 10000.",
    labelNames: ["state"] as const,
    registers: [this.registry],
    collect: async () => {
      const read = await this.readDatabase();
      this.webhookEvents.reset();
      for (const { state, count } of read?.webhookEvents ?? []) this.webhookEvents.set({ state }, count);
    },
  });

  readonly webhookOldestUnprocessedAge = new Gauge({
    name: "payments_webhook_oldest_unprocessed_age_seconds",
    help: "Age of the oldest webhook event still RECEIVED or FAILED (0 when none).",
    registers: [this.registry],
    collect: async () => {
      const read = await this.readDatabase();
      this.webhookOldestUnprocessedAge.set(read?.webhookOldestUnprocessedAgeSeconds ?? Number.NaN);
    },
  });

  readonly webhookProcessingLag = new Histogram({
    name: "payments_webhook_processing_lag_seconds",
    help: "From a webhook event being stored (its processing job enqueued) to that processing finishing.",
    buckets: WEBHOOK_LAG_BUCKETS_S,
    registers: [this.registry],
  });

  readonly alerts = new Counter({
    name: "payments_alerts_total",
    help: "Events an operator must look at, by alert.",
    labelNames: ["alert"] as const,
    registers: [this.registry],
  });

  readonly refundsManualReview = new Gauge({
    name: "payments_refunds_manual_review",
    help: "Refunds in MANUAL_REVIEW, read from the database at scrape time; the count stops at 10000.",
    registers: [this.registry],
    collect: async () => {
      const read = await this.readDatabase();
      this.refundsManualReview.set(read?.refundsManualReview ?? Number.NaN);
    },
  });

  readonly loadShed = new Counter({
    name: "payments_load_shed_total",
    help: "Calls refused RESOURCE_EXHAUSTED because the service was over capacity, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: "payments_rate_limited_total",
    help: "Calls refused RESOURCE_EXHAUSTED because their caller was over its quota, by caller name.",
    labelNames: ["caller"] as const,
    registers: [this.registry],
  });

  readonly databaseCollectFailures = new Counter({
    name: "payments_metrics_database_collect_failures_total",
    help: "Scrapes whose database gauges could not be read (labelled ones are then left out, the others are NaN).",
    registers: [this.registry],
    // Counted by the read this scrape makes: wait for it, or this scrape would miss its own failure.
    collect: async () => {
      await this.readDatabase();
    },
  });

  constructor() {
    // Alerts are rare: their series exist at 0 from the start, so rate() and alert rules see them.
    for (const alert of ALERT_NAMES) this.alerts.inc({ alert }, 0);
  }

  /** Where the database gauges come from; the reader coalesces the gauges' concurrent reads of one scrape. */
  readDatabaseWith(reader: () => Promise<DatabaseGauges | undefined>): void {
    this.readDatabase = reader;
  }

  /** Where the circuit breaker gauge comes from (read at scrape time). */
  readCircuitsWith(reader: () => CircuitReading[]): void {
    this.readCircuits = reader;
  }

  /** The exposition text of this service and of the process (default metrics). */
  async render(): Promise<string> {
    return (await processRegistry().metrics()) + (await this.registry.metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let defaults: Registry | undefined;

/** process_* and nodejs_* metrics (CPU, memory, event loop lag, GC): one collector per process. */
function processRegistry(): Registry {
  if (defaults === undefined) {
    defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
  }
  return defaults;
}
