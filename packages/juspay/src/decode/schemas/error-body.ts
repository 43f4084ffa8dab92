import { z } from "zod";
import type { JuspayErrorInfo } from "../../errors.js";
import { intOf, objectOf, scalarIn, textOf, type Wire } from "../fields.js";

// Juspay's error bodies, all shapes (reference §1.5): classic
// {status, error_code, error_message}, {status: "error", error_code:
// "access_denied"}, {status_id: 40, status: "DUPLICATE_ORDER_ID", …}, the newer
// one with error_info (object or JSON text), the txns-style {code, type,
// message, user_message}, and the camelCase spellings Juspay's Node SDK reads.

export const ErrorBodyWire = z.looseObject({
  status: scalarIn,
  status_id: scalarIn,
  error_code: scalarIn,
  error_message: scalarIn,
  user_message: scalarIn,
  code: scalarIn,
  type: scalarIn,
  message: scalarIn,
  error_info: z.unknown().optional(),
  errorCode: scalarIn,
  errorMessage: scalarIn,
});

export interface JuspayErrorBody {
  status: string | null;
  statusId: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  userMessage: string | null;
  errorInfo: JuspayErrorInfo | null;
  raw: Wire;
}

function errorInfoOf(value: unknown): JuspayErrorInfo | null {
  let info = objectOf(value);
  if (!info && typeof value === "string") {
    try {
      info = objectOf(JSON.parse(value));
    } catch {
      info = null;
    }
  }
  if (!info) return null;
  return {
    code: textOf(info["code"]),
    category: textOf(info["category"]),
    requestId: textOf(info["request_id"] ?? info["requestId"]),
    userMessage: textOf(info["user_message"] ?? info["userMessage"]),
    developerMessage: textOf(info["developer_message"] ?? info["developerMessage"]),
  };
}

export const ErrorBodySchema = ErrorBodyWire.transform((w): JuspayErrorBody => {
  const errorInfo = errorInfoOf(w.error_info);
  return {
    status: textOf(w.status),
    statusId: intOf(w.status_id),
    errorCode: textOf(w.error_code) ?? textOf(w.errorCode) ?? textOf(w.code) ?? errorInfo?.code ?? null,
    errorMessage:
      textOf(w.error_message) ?? textOf(w.errorMessage) ?? textOf(w.message) ?? textOf(w.user_message) ?? errorInfo?.developerMessage ?? errorInfo?.userMessage ?? null,
    userMessage: textOf(w.user_message) ?? errorInfo?.userMessage ?? null,
    errorInfo,
    raw: w,
  };
});
