import { serveLoad } from "../load/load-main.js";
import { runWebhookLoad } from "./webhook-load.js";

// Entry point of P3's webhook load process (see serveLoad): autocannon runs
// apart from the benchmark and from the stack, as the issue asks.
await serveLoad("webhook-load-main.ts", runWebhookLoad);
