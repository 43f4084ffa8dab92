// Inputs of the HyperSDK payload builders (reference §3.3, §3.5, §2.8).
// Amounts are integer minor units (paise): never floats.
import { MANDATE_FREQUENCY_VALUES } from "../decode/statuses.js";

/** The HyperSDK service of the Payment Page (HyperCheckout). */
export const HYPERPAY_SERVICE = "in.juspay.hyperpay";

export type SdkEnvironment = "production" | "sandbox";

/** Juspay's mandate frequencies (one list for decoding and for building payloads). */
export const MANDATE_FREQUENCIES = MANDATE_FREQUENCY_VALUES;
export type MandateFrequency = (typeof MANDATE_FREQUENCIES)[number];

export interface SdkOrder {
  /** Alphanumeric, 1-20 characters (Juspay: < 21). */
  orderId: string;
  /** Integer minor units, > 0 (a safe integer or a bigint). */
  amountMinor: number | bigint;
  /** ISO 4217, e.g. "INR". */
  currency: string;
  /** Juspay customer id; "" for guest checkout. */
  customerId: string;
  customerEmail?: string;
  customerPhone?: string;
  /** Where Juspay sends the user back; the caller enforces its allow-list. */
  returnUrl?: string;
  description?: string;
  firstName?: string;
  lastName?: string;
  /** udf1..udf10 in order; at most 10, each ≤ 255 characters. */
  udfs?: readonly string[];
  /** Sent as `metadata.<key>` (e.g. `JUSPAY:gateway_reference_id`, `webhook_url`). */
  metadata?: Readonly<Record<string, string>>;
}

export interface SdkMandate {
  createMandate: "REQUIRED" | "OPTIONAL";
  /** Largest debit per execution, integer minor units. */
  maxAmountMinor: number | bigint;
  /** FIXED: every debit is max_amount (the order amount must not exceed it). */
  amountRule: "FIXED" | "VARIABLE";
  frequency: MandateFrequency;
  ruleType?: "ON" | "BEFORE" | "AFTER";
  /** WEEKLY 1-7 (Mon=1), FORTNIGHTLY 1-16, MONTHLY..YEARLY 1-31; none for ONETIME, DAILY, ASPRESENTED. */
  ruleValue?: number;
  /** Juspay wants today (UTC); sent as epoch seconds. */
  startDate: Date;
  endDate: Date;
  revokableByCustomer?: boolean;
  blockFunds?: boolean;
}

/** Fields common to every HyperSDK payload. */
export interface SdkCommonInput {
  merchantId: string;
  clientId: string;
  environment: SdkEnvironment;
  /** Defaults to a fresh UUID v4. */
  requestId?: string;
  /** Clock for the signed timestamp; defaults to the current time. */
  now?: Date;
}
