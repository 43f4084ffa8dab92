import type { OrderRow, RefundRow } from "../../db/orders-repository.js";
import { isReportedStatusMismatch, nextActionOf, type NextAction } from "../../domain/next-action.js";
import type { AppContext } from "../context.js";
import { getFreshOrderStatus } from "../orders/get-order-status.js";
import type { StaleReason } from "../orders/refresh-order.js";
import type { CallBudget } from "../ports.js";

// VerifySdkResult: the app reports the SDK's process_result; the answer comes
// from Juspay's Order Status API (through the order refresh, which also runs
// the amount integrity check), never from the report. A report that
// disagrees with the truth is logged (ids and statuses only) and counted:
// it is either a bug in the app or someone trying their luck.

export interface SdkReport {
  orderId: string;
  /** process_result `payload.status` as the SDK sent it, e.g. "charged". */
  statusRaw: string;
  sdkErrorCode?: string;
  sdkRequestId?: string;
}

export interface VerifiedSdkResult {
  order: OrderRow;
  refunds: RefundRow[];
  nextAction: NextAction;
  amountVerified: boolean;
  reportedStatusMismatch: boolean;
  stale: StaleReason | null;
}

export async function verifySdkResult(ctx: AppContext, report: SdkReport, budget: CallBudget): Promise<VerifiedSdkResult> {
  // Terminal orders answer from Postgres; others are refreshed within the deadline (stale if Juspay cannot answer),
  // by a read that starts after the report: one already under way could predate the payment it reports.
  const { order, refunds, stale } = await getFreshOrderStatus(ctx, report.orderId, budget);
  const status = order.status;
  const mismatch = isReportedStatusMismatch(report.statusRaw, status, stale !== null);
  if (mismatch) {
    ctx.alerts.inc("sdk_status_mismatch");
    ctx.logger.warn({ orderId: order.order_id, reportedStatus: report.statusRaw, actualStatus: status }, "SDK reported status disagrees with Juspay's order status");
  }
  if (report.sdkErrorCode) {
    ctx.logger.info({ orderId: order.order_id, reportedStatus: report.statusRaw, sdkErrorCode: report.sdkErrorCode, sdkRequestId: report.sdkRequestId }, "SDK reported an error");
  }
  return {
    order,
    refunds,
    nextAction: nextActionOf(status, stale !== null),
    // The refresh turns a paid order whose amount, currency or id disagree with ours into INTEGRITY_MISMATCH.
    amountVerified: status !== "INTEGRITY_MISMATCH",
    reportedStatusMismatch: mismatch,
    stale,
  };
}
