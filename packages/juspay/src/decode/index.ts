import { JUSPAY_DEFAULT_CURRENCY } from "../money/currencies.js";
import { decodeOrThrow } from "./decode.js";
import { CustomerSchema, type JuspayCustomer } from "./schemas/customer.js";
import { ErrorBodySchema, type JuspayErrorBody } from "./schemas/error-body.js";
import { MandateListSchema, type JuspayMandateList } from "./schemas/list.js";
import { MandateSchema, type JuspayMandate } from "./schemas/mandate.js";
import { notificationSchemaIn, type JuspayNotification } from "./schemas/notification.js";
import { OrderSchema, type JuspayOrder } from "./schemas/order.js";
import { refundSchemaIn, type JuspayRefund } from "./schemas/refund.js";
import { SessionSchema, type JuspaySession } from "./schemas/session.js";
import { TxnAnswerSchema, TxnSchema, type JuspayTxn, type JuspayTxnAnswer } from "./schemas/txn.js";

// Public decoders for bodies obtained elsewhere (webhook content, stored
// answers). Each throws a JuspayDecodeError naming what failed. Refunds and
// notifications name no currency: their amounts are read in `currency` (the
// order's or the mandate's; default INR, Juspay's default).

export const decodeOrder = (body: unknown): JuspayOrder => decodeOrThrow(OrderSchema, body, "decode.order");
export const decodeRefund = (body: unknown, currency = JUSPAY_DEFAULT_CURRENCY): JuspayRefund => decodeOrThrow(refundSchemaIn(currency), body, "decode.refund");
export const decodeTxn = (body: unknown): JuspayTxn => decodeOrThrow(TxnSchema, body, "decode.txn");
export const decodeTxnAnswer = (body: unknown): JuspayTxnAnswer => decodeOrThrow(TxnAnswerSchema, body, "decode.txn_answer");
export const decodeMandate = (body: unknown): JuspayMandate => decodeOrThrow(MandateSchema, body, "decode.mandate");
export const decodeMandateList = (body: unknown): JuspayMandateList => decodeOrThrow(MandateListSchema, body, "decode.mandate_list");
export const decodeNotification = (body: unknown, currency = JUSPAY_DEFAULT_CURRENCY): JuspayNotification =>
  decodeOrThrow(notificationSchemaIn(currency), body, "decode.notification");
export const decodeCustomer = (body: unknown): JuspayCustomer => decodeOrThrow(CustomerSchema, body, "decode.customer");
export const decodeSession = (body: unknown): JuspaySession => decodeOrThrow(SessionSchema, body, "decode.session");
export const decodeErrorBody = (body: unknown): JuspayErrorBody => decodeOrThrow(ErrorBodySchema, body, "decode.error_body");
