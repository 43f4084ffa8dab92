// `npm run demo`: walks the payment journey (tools/dev/journey.ts) against the
// stack `npm start` runs, printing each step. PAYMENTS_URL and JUSPAY_SIM_URL
// point it elsewhere.
import { createPaymentsClient } from "@payments/client";
import { JourneyError, runPaymentJourney } from "./journey.js";

const baseUrl = process.env.PAYMENTS_URL ?? "http://127.0.0.1:50051";
const simUrl = process.env.JUSPAY_SIM_URL ?? `http://127.0.0.1:${process.env.JUSPAY_SIM_PORT ?? "8090"}`;

async function main(): Promise<void> {
  console.log(`payment journey against ${baseUrl} (Juspay simulator ${simUrl})\n`);
  const payments = createPaymentsClient({ baseUrl, transport: "grpc", timeoutMs: 15_000 });
  const result = await runPaymentJourney({ payments, simUrl, say: (line) => console.log(`  ✓ ${line}`) });
  console.log(`\ndone: order ${result.orderId}, refund ${result.refundId}`);
}

main().catch((err: unknown) => {
  if (err instanceof JourneyError) console.error(`\n  ✗ ${err.message}`);
  else if (err instanceof Error && /ECONNREFUSED|unavailable/i.test(err.message)) console.error(`\ncannot reach the stack: start it first with \`npm start\` (${err.message})`);
  else console.error(err);
  process.exit(1);
});
