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

/**
 * Create Customer with an object_reference_id the merchant already used, as
 * Juspay's Create Customer page publishes it (HTTP 400; error_info.code ALREADY_EXISTS).
 */
export function customerAlreadyExists(): JuspayError {
  return new JuspayError(400, {
    error_message: "Customer with given object reference id already exist for your account.",
    status: "invalid_request_error",
    error_code: "unique",
    error_info: {
      user_message: "Already exists.",
      developer_message: "Customer account with given object reference already exists.",
      code: "ALREADY_EXISTS",
      category: "USER_ERROR",
    },
  });
}

/** Create Customer with an empty required field, as Juspay's Create Customer page publishes it (HTTP 400, INVALID_INPUT naming the field). */
export function customerFieldInvalid(field: "object_reference_id" | "mobile_number"): JuspayError {
  return invalidField(field);
}

/**
 * A request field with a value Juspay does not accept, in the one
 * invalid-params body Juspay publishes (Create Customer's "Wrong value in
 * mobile_number": HTTP 400, error_info.code INVALID_INPUT, the field named in
 * error_info.fields). Used for every documented field limit (README
 * "Fidelity (issue 17)").
 */
export function invalidField(field: string): JuspayError {
  return new JuspayError(400, {
    error_message: `Wrong value in ${field}`,
    status: "Invalid Request",
    error_code: "Invalid Request",
    error_info: {
      user_message: "Invalid request params. Please verify your input.",
      fields: [{ field_name: field, reason: "Invalid value." }],
      developer_message: "Invalid request params",
      code: "INVALID_INPUT",
      category: "USER_ERROR",
    },
  });
}

/**
 * A mandate for a customer_id Juspay holds no customer for (strict mode).
 * Juspay publishes no body for this: the shape is its newer error shape, the
 * code RESOURCE_NOT_FOUND its error-codes table's "identifier in the request
 * is incorrect/not valid/not present"; error_code and message are ours (UNCONFIRMED).
 */
export function mandateCustomerUnknown(): JuspayError {
  return new JuspayError(400, {
    error_message: "Customer not found for the given customer_id. Create the customer before creating a mandate.",
    status: "invalid_request_error",
    error_code: "customer_not_found",
    error_info: {
      user_message: "Customer not found.",
      developer_message: "Prerequisite for creating a mandate is a customer created with the Create Customer API (object_reference_id = customer_id).",
      code: "RESOURCE_NOT_FOUND",
      category: "USER_ERROR",
    },
  });
}
