import type { PayloadFlavour } from "../../config.js";

// What CreateProcessPayload answers, before the rpc layer turns it into the
// proto response (whose bytes are what an idempotent replay returns).

export interface ProcessPayloadResult {
  orderId: string;
  flavour: PayloadFlavour;
  /** The exact JSON for HyperServices.process. */
  payloadJson: string;
  requestId: string;
  service: string;
  expireTime: Date | null;
  signed?: { orderDetails: string; signature: string; merchantKeyId: string; signTime: Date };
  session?: { sdkPayloadJson: string; webPaymentUrl: string; juspayOrderId: string };
}

export type ProcessPayloadEncoder = (result: ProcessPayloadResult) => Uint8Array;
