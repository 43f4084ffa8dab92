import type { BenchContext } from "../bench-context.js";
import type { Benchmark } from "../benchmark.js";
import { runGrpcLoadProcess, runLoadProcess } from "../load/load-process.js";
import type { RequestPlan } from "../load/request-plans.js";
import { fmt, totalOf, type BenchmarkReport, type Table } from "../report/bench-report.js";
import type { BenchStack } from "../stack/bench-stack.js";
import { ORDER_AMOUNT_MINOR, prepareOrders } from "./order-setup.js";
import { ourRefunds, requestsBetween, simCounters, simRefundIds } from "./p4-checks.js";
import type { CallsResult, SdkLoadResult, SdkLoadSpec } from "./sdk-load.js";

// P4: what the service adds to a call that passes through to Juspay.
// RefundOrder (full refund of a CHARGED order) and a refreshing GetOrderStatus
// (a PENDING_VBV order: every call reads Juspay's status and applies it) over
// gRPC, against Juspay's official Node SDK calling the simulator directly
// from its own process. Calls are sequential (one in flight): the target is
// latency added at p50, < 1 ms. Sides alternate in rounds (the first side
// swaps each round) so drift touches both alike.

const TARGET_ADDED_MS = 1;
const ROUNDS = 4;
const CALLS_PER_ROUND = 100;
const WARMUP_CALLS = 10;
const PENDING_ORDERS = 20;
const BATCH_LIMIT_MS = 15_000;
const DEADLINE_MS = 10_000;

type Rpc = "refund" | "status";
type Side = "service" | "sdk";

interface Batch {
  rpc: Rpc;
  side: Side;
  round: number;
  result: CallsResult;
  refundStatuses?: Record<string, number>;
  /** Requests the simulator served on the RPC's route during the batch, warm-up included. */
  simRequests: number;
  /** Service side: the service process's CPU seconds over the batch, warm-up included. */
  serviceCpuSeconds?: number;
}

const SIM_ROUTE: Record<Rpc, string> = { refund: "refund_order", status: "order_status" };
const RPC_NAME: Record<Rpc, string> = { refund: "RefundOrder", status: "GetOrderStatus (refreshing)" };
const SIDE_NAME: Record<Side, string> = { service: "service over gRPC", sdk: "Juspay SDK direct" };
/** Order ids: charged orders per side and round (refunded once each), pending orders shared by both sides. */
const refundPrefix = (side: Side, round: number) => `p4${side === "service" ? "s" : "k"}${round}n`;
const PENDING_PREFIX = "p4p";

export const p4: Benchmark = {
  id: "p4",
  title: "Pass-through: RefundOrder and refreshing GetOrderStatus vs Juspay's SDK",
  async run(ctx): Promise<BenchmarkReport> {
    const stack = await ctx.stack();
    const perBatch = WARMUP_CALLS + CALLS_PER_ROUND;
    const charged: string[] = [];
    for (let round = 0; round < ROUNDS; round++) for (const side of ["service", "sdk"] as const) for (let i = 0; i < perBatch; i++) charged.push(`${refundPrefix(side, round)}${i}`);
    const pending = Array.from({ length: PENDING_ORDERS }, (_, i) => `${PENDING_PREFIX}${i}`);
    ctx.progress("p4", `set-up (not timed): ${charged.length} charged and ${pending.length} pending orders through the service and the simulated SDK`);
    const setupStarted = performance.now();
    await prepareOrders(stack, charged, "charged");
    await prepareOrders(stack, pending, "pending");
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const batches: Batch[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ctx.progress("p4", `round ${round + 1}/${ROUNDS}: ${CALLS_PER_ROUND} sequential calls per side and RPC`);
      const sides: Side[] = round % 2 === 0 ? ["service", "sdk"] : ["sdk", "service"];
      for (const rpc of ["refund", "status"] as const) for (const side of sides) batches.push(await runBatch(ctx, stack, rpc, side, round));
    }

    ctx.progress("p4", "reference: GetOrderStatus of CHARGED orders (answered from Postgres, no Juspay call)");
    const terminal = await ctx.measureService("p4", "GetOrderStatus, terminal (reference)", () =>
      runGrpcLoadProcess(serviceSpec(stack, { kind: "get-order-status", prefix: refundPrefix("service", 0), from: 0, count: perBatch })),
    );
    const terminalCpuMs = ((ctx.servicePhases.at(-1)?.cpuSeconds ?? Number.NaN) * 1000) / (terminal.completed + WARMUP_CALLS);

    const counters = await simCounters(stack);
    const okOf = (rpc: Rpc, side: Side) => sum(batches.filter((b) => b.rpc === rpc && b.side === side).map((b) => b.result.ok + b.result.warmupOk));
    const serviceRefundsOk = okOf("refund", "service");
    const sdkRefundsOk = okOf("refund", "sdk");
    const ours = await ourRefunds(stack, "p4s");
    const sdkStatuses = mergeCounts(batches.filter((b) => b.rpc === "refund" && b.side === "sdk").map((b) => b.refundStatuses ?? {}));
    const simServiceRefunds = simRefundIds(counters, "p4s");
    const simSdkRefunds = simRefundIds(counters, "p4k");

    const summary = (rpc: Rpc) => summarizeRpc(batches.filter((b) => b.rpc === rpc));
    const refund = summary("refund");
    const status = summary("status");
    const simPerCall = (rpc: Rpc, side: Side) => {
      const own = batches.filter((b) => b.rpc === rpc && b.side === side);
      return sum(own.map((b) => b.simRequests)) / sum(own.map((b) => b.result.completed + WARMUP_CALLS));
    };

    return {
      id: "p4",
      title: this.title,
      tables: [
        {
          title: `Sequential calls (one in flight), ${ROUNDS} alternating rounds of ${CALLS_PER_ROUND} per side after ${WARMUP_CALLS} warm-up calls; figures are the median over rounds`,
          columns: ["RPC", "side", "calls", "errors", "sim requests/call", "service CPU ms/call", "p50 ms", "p90 ms", "p99 ms", "added at p50"],
          rows: [refund, status].flatMap((s) =>
            (["service", "sdk"] as const).map((side) => [
              RPC_NAME[s.rpc],
              SIDE_NAME[side],
              fmt.count(s[side].calls),
              fmt.counts(s[side].errors),
              simPerCall(s.rpc, side).toFixed(2),
              side === "service" ? fmt.ms(cpuPerCall(batches.filter((b) => b.rpc === s.rpc && b.side === side))) : "",
              fmt.ms(s[side].p50),
              fmt.ms(s[side].p90),
              fmt.ms(s[side].p99),
              side === "service" ? `${fmt.ms(s.addedP50)} ms` : "",
            ]),
          ),
        },
        roundsTable(batches),
        {
          title: "Reference: the service's fixed cost without Juspay (GetOrderStatus of a CHARGED order: gRPC, auth, two reads from Postgres)",
          columns: ["calls", "errors", "service CPU ms/call", "p50 ms", "p90 ms", "p99 ms"],
          rows: [[fmt.count(terminal.completed), fmt.counts(terminal.errors), fmt.ms(terminalCpuMs), fmt.ms(terminal.latency.p50Ms), fmt.ms(terminal.latency.p90Ms), fmt.ms(terminal.latency.p99Ms)]],
        },
      ],
      verdicts: [
        { target: `RefundOrder adds < ${TARGET_ADDED_MS} ms at p50 over the SDK`, measured: `${fmt.ms(refund.addedP50)} ms (${fmt.ms(refund.service.p50)} vs ${fmt.ms(refund.sdk.p50)} ms)`, met: refund.addedP50 < TARGET_ADDED_MS },
        { target: `refreshing GetOrderStatus adds < ${TARGET_ADDED_MS} ms at p50 over the SDK`, measured: `${fmt.ms(status.addedP50)} ms (${fmt.ms(status.service.p50)} vs ${fmt.ms(status.sdk.p50)} ms)`, met: status.addedP50 < TARGET_ADDED_MS },
        {
          target: "every successful RefundOrder left one refund, acknowledged by Juspay (PENDING), in our database and at the simulator",
          measured: `${fmt.count(serviceRefundsOk)} OK calls; ours: ${fmt.counts(ours, "none")}; simulator: ${fmt.count(simServiceRefunds)} refund ids`,
          met: totalOf(ours) === serviceRefundsOk && (ours.PENDING ?? 0) === serviceRefundsOk && simServiceRefunds === serviceRefundsOk,
        },
        {
          target: "every successful SDK refund is PENDING in Juspay's answer and counted once at the simulator",
          measured: `${fmt.count(sdkRefundsOk)} OK calls (counted ones: ${fmt.counts(sdkStatuses, "none")}); simulator: ${fmt.count(simSdkRefunds)} refund ids`,
          met: simSdkRefunds === sdkRefundsOk && (sdkStatuses.PENDING ?? 0) === totalOf(sdkStatuses),
        },
      ],
      notes: [
        `Orders (set-up, ${setupSeconds.toFixed(1)} s, not timed): CreateProcessPayload through the service, paid by the simulator playing the mobile SDK (/sdk/process), then one GetOrderStatus so our row holds Juspay's status. Refunds: each call refunds a different CHARGED order in full (₹${ORDER_AMOUNT_MINOR / 100}); both sides' orders are made the same way. Status reads: ${PENDING_ORDERS} PENDING_VBV orders (pending_then_success: pending for 2 simulated minutes, longer than P4) read by both sides; our row is not terminal, so each GetOrderStatus reads Juspay's status and applies it (a transaction that locks the order row).`,
        "Baseline: Juspay's expresscheckout-nodejs 1.0.0 (AGPL-3.0; only run from node_modules, never shipped) in its own process, Basic auth. As published it cannot reach a plain-HTTP base URL (it always uses https.request, and passes the host with its port, which fails DNS) and opens a new connection per call (a new agent per request); it is called through its own makeServiceCall with the arguments Order.status / Order.refund use plus one keep-alive agent on plain TCP (src/p4-pass-through/sdk-client.ts). Order.refund lists only JWE auth but falls back to Basic when no JWE keys are set: the same POST /orders/{id}/refunds, form-encoded, as our service sends.",
        "Logging: the SDK's logger (winston, info, to a file) is replaced by its silent logger, so the baseline logs nothing; the service logs at its production level (info) to its log file.",
        "Where the service's time goes (service code, counted from services/payments/src/app): a refreshing GetOrderStatus makes 7 Postgres round trips besides the Juspay call (findOrder in get-order-status.ts, then applyOrderStatus's transaction: BEGIN, lock, refunds, SET LOCAL synchronous_commit = off when nothing changed, UPDATE orders (last_synced_at), COMMIT without waiting for the disk when nothing changed); it was 7 round trips with a durable commit (findOrder twice) and 0.5 ms slower at p50 before those two changes; RefundOrder makes about 20 round trips and 3 commits (findOrder; prepare-refund.ts's transaction: claim key, lock, caller-key lookup, refunds, INSERT refund, link key, enqueue sync job, UPDATE orders, outbox advisory lock, INSERT event, COMMIT; applyOrderStatus's transaction after Juspay answers; completeKey). The service CPU ms/call column is the service process's CPU per call: the calls are CPU-bound in the service, and the reference row shows its fixed cost (gRPC, auth, two reads) on its own.",
        "Service side: @grpc/grpc-js from a second process, pre-encoded requests, one call in flight; each round's figures come from its own load process (fresh connection, warm-up not counted). Figures are the median over rounds of each round's percentile; added at p50 is the median over rounds of (service p50 − SDK p50) within the round.",
      ],
    };
  },
};

function serviceSpec(stack: BenchStack, plan: RequestPlan) {
  return {
    target: stack.serviceAddress,
    plan,
    metadata: { authorization: `Bearer ${stack.token}` },
    concurrency: 1,
    warmupRequests: WARMUP_CALLS,
    maxRequests: CALLS_PER_ROUND,
    maxDurationMs: BATCH_LIMIT_MS,
    deadlineMs: DEADLINE_MS,
  };
}

async function runBatch(ctx: BenchContext, stack: BenchStack, rpc: Rpc, side: Side, round: number): Promise<Batch> {
  const before = await simCounters(stack);
  let result: CallsResult;
  let refundStatuses: Record<string, number> | undefined;
  let serviceCpuSeconds: number | undefined;
  if (side === "service") {
    const plan: RequestPlan =
      rpc === "refund"
        ? { kind: "refund-order", prefix: refundPrefix(side, round), amountMinor: ORDER_AMOUNT_MINOR }
        : { kind: "get-order-status", prefix: PENDING_PREFIX, from: 0, count: PENDING_ORDERS };
    result = await ctx.measureService("p4", `${RPC_NAME[rpc]}, round ${round + 1}`, () => runGrpcLoadProcess(serviceSpec(stack, plan)));
    serviceCpuSeconds = ctx.servicePhases.at(-1)?.cpuSeconds;
  } else {
    const spec: SdkLoadSpec = {
      simUrl: stack.simUrl,
      apiKey: stack.simApiKey,
      merchantId: stack.simMerchantId,
      call:
        rpc === "refund"
          ? { kind: "refund", prefix: refundPrefix(side, round), amountMinor: ORDER_AMOUNT_MINOR, uniqueRequestIdPrefix: `p4k${round}u` }
          : { kind: "status", prefix: PENDING_PREFIX, from: 0, count: PENDING_ORDERS },
      warmupRequests: WARMUP_CALLS,
      maxRequests: CALLS_PER_ROUND,
      maxDurationMs: BATCH_LIMIT_MS,
      timeoutMs: DEADLINE_MS,
    };
    const sdk = await runLoadProcess<SdkLoadResult>(new URL("./sdk-load-main.ts", import.meta.url), spec, BATCH_LIMIT_MS * 2);
    result = sdk;
    refundStatuses = sdk.refundStatuses;
  }
  const simRequests = requestsBetween(before, await simCounters(stack), SIM_ROUTE[rpc]);
  return { rpc, side, round, result, simRequests, ...(refundStatuses !== undefined && { refundStatuses }), ...(serviceCpuSeconds !== undefined && { serviceCpuSeconds }) };
}

interface SideSummary {
  calls: number;
  errors: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
}

function summarizeRpc(batches: Batch[]): { rpc: Rpc; service: SideSummary; sdk: SideSummary; addedP50: number } {
  const of = (side: Side): SideSummary => {
    const own = batches.filter((b) => b.side === side).map((b) => b.result);
    return {
      calls: sum(own.map((r) => r.completed)),
      errors: mergeCounts(own.map((r) => r.errors)),
      p50: median(own.map((r) => r.latency.p50Ms)),
      p90: median(own.map((r) => r.latency.p90Ms)),
      p99: median(own.map((r) => r.latency.p99Ms)),
    };
  };
  return { rpc: batches[0]!.rpc, service: of("service"), sdk: of("sdk"), addedP50: median(addedPerRound(batches)) };
}

/** service p50 − SDK p50 within each round, in round order. */
function addedPerRound(batches: Batch[]): number[] {
  const rounds = [...new Set(batches.map((b) => b.round))].sort((a, b) => a - b);
  return rounds.map((round) => {
    const p50 = (side: Side) => batches.find((b) => b.round === round && b.side === side)?.result.latency.p50Ms ?? Number.NaN;
    return p50("service") - p50("sdk");
  });
}

function roundsTable(batches: Batch[]): Table {
  const rows: string[][] = [];
  for (const rpc of ["refund", "status"] as const) {
    const own = batches.filter((b) => b.rpc === rpc);
    const added = addedPerRound(own);
    for (const [i, delta] of added.entries()) {
      const of = (side: Side) => own.find((b) => b.round === i && b.side === side)!.result.latency;
      rows.push([RPC_NAME[rpc], String(i + 1), fmt.ms(of("service").p50Ms), fmt.ms(of("sdk").p50Ms), fmt.ms(delta), fmt.ms(of("service").p99Ms), fmt.ms(of("sdk").p99Ms)]);
    }
  }
  return { title: "Per round (the side that goes first alternates)", columns: ["RPC", "round", "service p50 ms", "SDK p50 ms", "added at p50 ms", "service p99 ms", "SDK p99 ms"], rows };
}

/** The service's CPU milliseconds per call over these batches (warm-up calls included, as in the CPU figure). */
function cpuPerCall(batches: Batch[]): number {
  return (sum(batches.map((b) => b.serviceCpuSeconds ?? Number.NaN)) * 1000) / sum(batches.map((b) => b.result.completed + WARMUP_CALLS));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mergeCounts(counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) merged[k] = (merged[k] ?? 0) + n;
  return merged;
}
