import { INVOICE_NUMBER, NOTIFICATION_DESCRIPTION_MAX, NOTIFICATION_REFERENCE, PLAIN_UDF, PLAIN_UDF_COUNT } from "../limits.js";
import { invalid } from "./shared.js";

// Juspay's documented field limits (limits.ts), checked before anything is
// sent: a request Juspay would refuse fails here, naming the field, with
// outcome "not_applied". Values are never echoed (they may be personal data).

/** A notification id (ours, sent as object_reference_id, or Juspay's numeric id). */
export function checkNotificationReference(operation: string, name: string, value: unknown): string {
  if (typeof value !== "string" || !NOTIFICATION_REFERENCE.test(value)) throw invalid(operation, `${name} must be 1-25 characters of A-Z a-z 0-9 (Juspay's limit)`);
  return value;
}

export function checkInvoiceNumber(operation: string, name: string, value: unknown): string {
  if (typeof value !== "string" || !INVOICE_NUMBER.test(value)) throw invalid(operation, `${name} must be 1-25 characters of A-Z a-z 0-9 (Juspay's limit)`);
  return value;
}

export function checkNotificationDescription(operation: string, name: string, value: unknown): string {
  if (typeof value !== "string" || value.length > NOTIFICATION_DESCRIPTION_MAX) {
    throw invalid(operation, `${name} must be text of at most ${NOTIFICATION_DESCRIPTION_MAX} UTF-16 code units (Juspay's limit)`);
  }
  return value;
}

/** Refuses special characters in udf1-udf5 of flat form fields (`udf1`, or `order.udf1` with a prefix). */
export function checkPlainUdfs(operation: string, fields: Record<string, string>, prefix = ""): Record<string, string> {
  for (let i = 1; i <= PLAIN_UDF_COUNT; i++) {
    const name = `${prefix}udf${i}`;
    const value = fields[name];
    if (value !== undefined && !PLAIN_UDF.test(value)) throw invalid(operation, `${name} must not carry special characters (only A-Z a-z 0-9, space, . _ -); use udf6-udf10`);
  }
  return fields;
}
