// `npm run demo`: walks the payment journey and then the mandate journey
// (tools/dev/journey.ts, mandate-journey.ts) against the stack `npm start`
// runs, printing each step, as the development backend caller. PAYMENTS_URL,
// PAYMENTS_TOKEN and JUSPAY_SIM_URL point it elsewhere; like `npm start`, it
// follows HOST, PORT and JUSPAY_SIM_PORT.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPaymentsClient } from "@payments/client";
import { devCallers, tokenOf } from "./dev-callers.js";
import { JourneyError, runPaymentJourney } from "./journey.js";

const baseUrl = process.env.PAYMENTS_URL ?? `http://${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? "50051"}`;
const simUrl = process.env.JUSPAY_SIM_URL ?? `http://127.0.0.1:${process.env.JUSPAY_SIM_PORT ?? "8090"}`;
/** PAYMENTS_TOKEN, else the development backend caller `npm start` created. */
const token = process.env.PAYMENTS_TOKEN ?? tokenOf(devCallers(join(fileURLToPath(new URL("../..", import.meta.url)), ".data", "dev-callers.json")), "dev-backend");

/**
 * The simulator's clock only moves forward, and each demo moves it about 7 minutes (refund and debit
 * settlements); signed payloads more than 15 simulated minutes old are refused. Say so before a run that
 * would fail on it (an unreachable simulator is left to the journey's own steps).
 */
async function checkSimClock(): Promise<void> {
  const clock = (await fetch(`${simUrl}/__admin/clock`)
    .then((res) => res.json())
    .catch(() => undefined)) as { now?: number } | undefined;
  const aheadMs = (clock?.now ?? 0) - Date.now();
  if (aheadMs > 14.5 * 60_000) {
    throw new JourneyError("simulator clock", `it runs ${Math.round(aheadMs / 60_000)} min ahead after earlier demos moved it, and the simulator refuses signed payloads more than 15 simulated minutes old: restart \`npm start\` for a fresh clock`);
  }
}

async function main(): Promise<void> {
  console.log(`payment and mandate journeys against ${baseUrl} (Juspay simulator ${simUrl})\n`);
  await checkSimClock();
  const payments = createPaymentsClient({ baseUrl, transport: "grpc", timeoutMs: 15_000, token });
  const result = await runPaymentJourney({ payments, simUrl, say: (line) => console.log(`  ✓ ${line}`) });
  console.log(`\ndone: order ${result.orderId}, refund ${result.refundId}; mandate ${result.mandate.mandateId} (registered by ${result.mandate.orderId}, debit ${result.mandate.debitOrderId}, notification ${result.mandate.notificationId})`);
}

main().catch((err: unknown) => {
  if (err instanceof JourneyError) console.error(`\n  ✗ ${err.message}`);
  else if (err instanceof Error && /ECONNREFUSED|unavailable/i.test(err.message)) console.error(`\ncannot reach the stack: start it first with \`npm start\` (${err.message})`);
  else console.error(err);
  process.exit(1);
});
