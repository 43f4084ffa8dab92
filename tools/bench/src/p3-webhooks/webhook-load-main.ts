import { runWebhookLoad, type WebhookLoadSpec } from "./webhook-load.js";

// Entry point of P3's webhook load process: a spec as JSON in argv[2], the
// result as one JSON line on stdout (the load runs apart from the benchmark
// and from the stack, as the issue asks).

const spec = JSON.parse(process.argv[2] ?? "null") as WebhookLoadSpec | null;
if (spec === null) {
  process.stderr.write("usage: webhook-load-main.ts '<WebhookLoadSpec as JSON>'\n");
  process.exit(2);
}
const result = await runWebhookLoad(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
