// Juspay's published answers that more than one test compares the simulator's with.

/**
 * The invalid-params body Juspay publishes, naming `field` (Create Customer,
 * https://juspay.io/sea/docs/express-checkout-sdk-global/android/integration-guide/2--create-customer-api).
 */
export const invalidParamsBody = (field: string) => ({
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
