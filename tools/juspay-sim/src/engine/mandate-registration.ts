import { newId, type SimContext } from "../context.js";
import type { Fields } from "../http/body.js";
import type { Mandate, Order, OrderStatus, Txn } from "../state/model.js";
import { mandateObject } from "../render/mandate.js";
import { mandateTerms } from "./mandate-rules.js";
import { setMandateStatus, settleMandate } from "./mandates.js";

// A mandate comes to life with its registration order's payment attempt
// (reference §2.8): CREATED when the attempt starts, ACTIVE when it is
// CHARGED, FAILURE when it fails. Runs as a txn-status listener, before the
// order's own webhooks go out, so ORDER_SUCCEEDED already shows the mandate.

const FAILED: ReadonlySet<OrderStatus> = new Set(["AUTHORIZATION_FAILED", "AUTHENTICATION_FAILED", "JUSPAY_DECLINED"]);

export function mandateFollowsRegistration(ctx: SimContext, order: Order, txn: Txn): void {
  if (order.mandateRequest === undefined || !txn.txnObjectType.endsWith("_REGISTER")) return;
  const current = order.mandateId === undefined ? undefined : ctx.state.mandates[order.mandateId];
  if (txn.status === "PENDING_VBV" && (current === undefined || current.status === "FAILURE")) {
    const mandate = newMandate(ctx, order, txn);
    if (!mandate) return;
    ctx.state.mandates[mandate.mandateId] = mandate;
    order.mandateId = mandate.mandateId;
    txn.sourceObjectId = mandate.mandateId;
    ctx.clock.at(mandate.endDate, () => settleMandate(ctx, mandate));
    ctx.changed();
    ctx.events.emit("MANDATE_CREATED", { mandate: mandateObject(mandate) });
    return;
  }
  if (!current || current.status !== "CREATED") return;
  if (txn.status === "CHARGED") setMandateStatus(ctx, current, "ACTIVE");
  else if (FAILED.has(txn.status)) setMandateStatus(ctx, current, "FAILURE");
}

function newMandate(ctx: SimContext, order: Order, txn: Txn): Mandate | undefined {
  const terms = mandateTerms(order.mandateRequest as Fields, order.amountMinor, order.currency, order.createdAt);
  if (!terms) return undefined;
  const now = ctx.clock.now();
  const card = txn.paymentMethodType === "CARD";
  const token = newId("", 16);
  return {
    mandateId: newId("", 11),
    mandateToken: token,
    mandateDebitToken: `tkn_${newId("", 16)}`,
    status: "CREATED",
    mandateType: card ? "MANDATE" : "EMANDATE",
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    maxAmountMinor: terms.maxAmountMinor,
    amountRule: terms.amountRule,
    frequency: terms.frequency,
    ruleType: terms.ruleType,
    ruleValue: terms.ruleValue,
    startDate: terms.startDate,
    endDate: terms.endDate,
    revokableByCustomer: terms.revokableByCustomer,
    blockFund: terms.blockFund,
    paymentMethodType: txn.paymentMethodType,
    paymentMethod: txn.paymentMethodType === "UPI" ? (txn.txnFlowType === "INTENT" ? "PAY" : "COLLECT") : txn.paymentMethod,
    ...(txn.payerVpa !== undefined ? { payerVpa: txn.payerVpa } : {}),
    createdAt: now,
    updatedAt: now,
  };
}
