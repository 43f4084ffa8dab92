import type { Stack } from "./stack.js";

// The mobile SDK's part, played by the simulator: POST the process payload
// exactly as the service handed it to the app.

export interface SdkProcessAnswer {
  httpStatus: number;
  status: string;
  error: boolean;
  errorMessage: string;
}

/** How the simulated customer pays (the simulator's defaults when absent). */
export interface SdkPayment {
  paymentMethodType?: "CARD" | "NB" | "UPI" | "WALLET";
  paymentMethod?: string;
  vpa?: string;
}

export async function sdkProcess(stack: Stack, processPayload: unknown, outcome?: string, payment: SdkPayment = {}): Promise<SdkProcessAnswer> {
  const res = await fetch(`${stack.sim.url}/sdk/process`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      process_payload: processPayload,
      ...(outcome !== undefined && { outcome }),
      ...(payment.paymentMethodType !== undefined && { payment_method_type: payment.paymentMethodType }),
      ...(payment.paymentMethod !== undefined && { payment_method: payment.paymentMethod }),
      ...(payment.vpa !== undefined && { vpa: payment.vpa }),
    }),
  });
  const body = (await res.json()) as { error?: boolean; errorMessage?: string; payload?: { status?: string } };
  return { httpStatus: res.status, status: body.payload?.status ?? "", error: body.error ?? false, errorMessage: body.errorMessage ?? "" };
}

/** The base64 body of a PEM (no header lines), to look for leaks. */
export function pemBody(pem: string): string {
  return pem
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("-----"))
    .join("");
}
