import { randomBytes } from "node:crypto";

// Juspay's error bodies, in the shapes its API really returns (reference
// §1.5). Handlers throw JuspayError; the server renders it.

export class JuspayError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error_message ?? body.error_code ?? body.status ?? `HTTP ${httpStatus}`));
    this.name = "JuspayError";
  }
}

/** Classic shape: `{status: "Invalid Request", error_code, error_message}` (HTTP 400). */
export function invalidRequest(errorCode: string, errorMessage: string, httpStatus = 400): JuspayError {
  return new JuspayError(httpStatus, { status: "Invalid Request", error_code: errorCode, error_message: errorMessage });
}

/** 401 `{status: "error", error_code: "access_denied"}`. */
export function accessDenied(): JuspayError {
  return new JuspayError(401, { status: "error", error_code: "access_denied" });
}

/** Newer shape with error_info, used for missing resources. */
export function notFound(what: string): JuspayError {
  return new JuspayError(404, {
    status: "ERROR",
    error_code: "not_found",
    error_message: `${what} not found`,
    error_info: { code: "RESOURCE_NOT_FOUND", user_message: `${what} not found`, developer_message: `${what} not found` },
  });
}

/** A required form field is missing. */
export function missingParameter(name: string): JuspayError {
  return invalidRequest("MISSING_MANDATORY_PARAMETER", `Mandatory parameter is missing: ${name}`);
}

/**
 * Unknown order id, as Juspay's order-status docs show it (HTTP 400, not 404):
 * `{status: "NOT_FOUND", status_id: 40, order_id, error_info{…, code: "RESOURCE_NOT_FOUND"}}`.
 */
export function orderNotFound(orderId: string): JuspayError {
  return new JuspayError(400, {
    status: "NOT_FOUND",
    status_id: 40,
    order_id: orderId,
    error_info: { user_message: "Order Not Found", developer_message: "Order Not Found", code: "RESOURCE_NOT_FOUND", category: "USER_ERROR" },
  });
}

/**
 * The txns-style body Juspay's cancel_recurring_transaction samples show:
 * `{session_id: "NOREQID-<32 hex>", user_message, code, type, message}`.
 */
export function txnsStyleError(code: string, type: string, userMessage: string, message: string, httpStatus = 400): JuspayError {
  return new JuspayError(httpStatus, { session_id: `NOREQID-${randomBytes(16).toString("hex")}`, user_message: userMessage, code, type, message });
}

/** Refund API rejections (Juspay's refund-order reference): `{status_id: -1, status: "ERROR", error_code, error_message}`. */
export function refundError(errorCode: string, errorMessage: string): JuspayError {
  return new JuspayError(400, { status_id: -1, status: "ERROR", error_code: errorCode, error_message: errorMessage });
}

/** Refund API without amount/unique_request_id: `{status: "Bad Request", error_code/error_message: "Mandatory fields are missing"}`. */
export function refundFieldsMissing(): JuspayError {
  return new JuspayError(400, { status: "Bad Request", error_code: "Mandatory fields are missing", error_message: "Mandatory fields are missing" });
}
