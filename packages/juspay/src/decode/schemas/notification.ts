import { z } from "zod";
import { amountIn, amountOf, currencyOf, anyObject, maskableObject, objectOf, scalarIn, textOf, timeIn, timeOf, type IssueSink, type Wire } from "../fields.js";
import { NOTIFICATION_STATUSES, decodeEnum, type NotificationStatus } from "../statuses.js";
import type { JuspayTime } from "../time.js";

// A pre-debit notification (reference §2.8): the pre_debit_notify answer,
// GET /notifications/:id and the NOTIFICATION_* webhooks' content. Dates are
// epoch seconds as text; source_info.amount is text ("1", "1.0").

export const NotificationWire = z.looseObject({
  id: scalarIn,
  object: scalarIn,
  object_reference_id: scalarIn,
  status: z.string(),
  source_object: scalarIn,
  source_info: maskableObject(z.looseObject({ amount: amountIn, txn_date: timeIn })),
  provider_name: scalarIn,
  provider_response: maskableObject(anyObject),
  notification_type: scalarIn,
  mandate: maskableObject(z.looseObject({ mandate_id: scalarIn })),
  description: scalarIn,
  date_created: timeIn,
  last_updated: timeIn,
  response_code: scalarIn,
  response_message: scalarIn,
});

export interface JuspayNotification {
  /** Juspay's notification id. */
  id: string | null;
  /** Our notification id (sent as object_reference_id). */
  objectReferenceId: string | null;
  status: NotificationStatus;
  statusRaw: string;
  mandateId: string | null;
  amountMinor: number | null;
  txnDate: JuspayTime | null;
  description: string | null;
  providerName: string | null;
  notificationType: string | null;
  /** On failure, e.g. JP_852. */
  responseCode: string | null;
  responseMessage: string | null;
  dateCreated: JuspayTime | null;
  lastUpdated: JuspayTime | null;
  raw: Wire;
}

/** A notification names no currency: its amount is in the mandate's (`currency`; Juspay's default INR when unknown). */
export function toNotification(w: z.output<typeof NotificationWire>, sink: IssueSink, path: (string | number)[], currency?: string): JuspayNotification {
  const status = decodeEnum(NOTIFICATION_STATUSES, w.status);
  const info = objectOf(w.source_info);
  return {
    id: textOf(w.id),
    objectReferenceId: textOf(w.object_reference_id),
    status: status.value,
    statusRaw: status.raw,
    mandateId: textOf(objectOf(w.mandate)?.["mandate_id"]),
    amountMinor: amountOf(sink, [...path, "source_info", "amount"], info?.["amount"], currencyOf(undefined, currency)),
    txnDate: timeOf(info?.["txn_date"]),
    description: textOf(w.description),
    providerName: textOf(w.provider_name),
    notificationType: textOf(w.notification_type),
    responseCode: textOf(w.response_code),
    responseMessage: textOf(w.response_message),
    dateCreated: timeOf(w.date_created),
    lastUpdated: timeOf(w.last_updated),
    raw: w,
  };
}

/** A notification answer, its amount read in `currency` (the mandate's). */
export const notificationSchemaIn = (currency: string) => NotificationWire.transform((w, ctx) => toNotification(w, ctx, [], currency));
