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
