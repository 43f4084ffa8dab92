import type { MessageInitShape } from "@bufbuild/protobuf";
import { MandateAmountRule, MandateFrequency, MandateRequirement, MandateRuleType, type MandateOptionsSchema } from "@payments/proto/payments/v1/mandate_pb";
import { sdkProcess, type SdkPayment } from "./sdk.js";
import type { Stack } from "./stack.js";

// A mandate registered the way production registers one: a process payload
// with mandate options from the service, then the simulated SDK pays the
// registration order (UPI by default, so the simulator's UPI debit rules
// apply: debits of ₹10, 20, 30 or 40 succeed).

/** The mobile number mandate registrations send (Create Customer requires one). */
export const MANDATE_CUSTOMER_PHONE = "9876543210";

export type MandateOptionsInit = Exclude<MessageInitShape<typeof MandateOptionsSchema>, { $typeName: string }>;

/** VARIABLE, MONTHLY on the 5th, up to ₹5,000. */
export function monthlyMandate(over: Partial<MandateOptionsInit> = {}): MandateOptionsInit {
  return {
    createMandate: MandateRequirement.REQUIRED,
    maxAmount: { amountMinor: 500_000n, currency: "INR" },
    amountRule: MandateAmountRule.VARIABLE,
    frequency: MandateFrequency.MONTHLY,
    ruleType: MandateRuleType.ON,
    ruleValue: 5,
    ...over,
  };
}

export interface RegisterMandateOptions {
  orderId: string;
  /** At least 8 characters (Juspay's object_reference_id); default "cust_mandate". */
  customerId?: string;
  /** The registration payment (default ₹1). */
  amountMinor?: bigint;
  mandate?: MandateOptionsInit;
  /** The simulator's payment outcome (default success). */
  outcome?: string;
  payment?: SdkPayment;
}

export interface RegisteredMandate {
  orderId: string;
  customerId: string;
  /** The simulator's mandate id for the registration order ("" when the attempt created none). */
  mandateId: string;
  /** What the simulated SDK reported ("charged", ...). */
  sdkStatus: string;
}

export async function registerMandate(stack: Stack, options: RegisterMandateOptions): Promise<RegisteredMandate> {
  const customerId = options.customerId ?? "cust_mandate";
  const payload = await stack.payloads.createProcessPayload({
    idempotencyKey: `register-${options.orderId}`,
    orderId: options.orderId,
    amount: { amountMinor: options.amountMinor ?? 100n, currency: "INR" },
    customerId,
    // The Juspay customer is created before its first mandate, and Create Customer needs a mobile number.
    customerPhone: MANDATE_CUSTOMER_PHONE,
    mandate: options.mandate ?? monthlyMandate(),
  });
  const sdk = await sdkProcess(stack, payload.payloadJson, options.outcome, options.payment ?? { paymentMethodType: "UPI", vpa: "success@upi" });
  const mandateId = stack.sim.order(options.orderId)?.mandateId ?? "";
  return { orderId: options.orderId, customerId, mandateId, sdkStatus: sdk.status };
}
