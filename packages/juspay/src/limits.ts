// Juspay's documented limits on single request fields (sources in
// tools/juspay-sim/README.md, "Fidelity (issue 17)"), one definition for the
// server client (resources/field-limits.ts) and the SDK payload builder
// (sdk/validate.ts). Lengths count UTF-16 code units (ADR 0021).

/** Notification API, object_reference_id: "Length upto 25 and alphanumeric characters are only accepted". */
export const NOTIFICATION_REFERENCE = /^[A-Za-z0-9]{1,25}$/;
/** Notification API, mandate.display_invoice_number: "alphanumeric and length upto 25". */
export const INVOICE_NUMBER = /^[A-Za-z0-9]{1,25}$/;
/** Notification API, description: "Max Length: 50". */
export const NOTIFICATION_DESCRIPTION_MAX = 50;

/**
 * udf1-udf5 take no "special characters" (Create Order API: "If there are any
 * special characters that need to be passed in UDF values, please use UDF 6
 * to 10"). Juspay does not list them; we allow only ASCII letters, digits,
 * space, "." "_" and "-" (the service's contract says the same).
 */
export const PLAIN_UDF = /^[A-Za-z0-9 ._-]*$/;
/** udf1..udf5: the UDFs that must be plain. */
export const PLAIN_UDF_COUNT = 5;
